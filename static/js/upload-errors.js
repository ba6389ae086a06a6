// The Markdown editor (django-markdownx) only logs why the server refused an upload, and types
// "Invalid response" into the text. Show the editor the reason instead, above the text box,
// and take the stray words back out.
document.addEventListener("DOMContentLoaded", () => {
  for (const widget of document.querySelectorAll(".markdownx")) {
    const editor = widget.querySelector("textarea");
    widget.addEventListener("markdownx.fileUploadError", (event) => {
      const response = event.detail && event.detail[0];
      const messages = (response && response.image) || ["The image could not be uploaded."];
      let note = widget.querySelector(".upload-error");
      if (!note) {
        note = document.createElement("p");
        note.className = "errornote upload-error";
        note.setAttribute("role", "alert");
        widget.prepend(note);
      }
      note.textContent = messages.join(" ");
      // markdownx inserts its error text right after this event, in the same task.
      const text = editor.value;
      const caret = editor.selectionStart;
      setTimeout(() => {
        editor.value = text;
        editor.selectionStart = editor.selectionEnd = caret;
        editor.dispatchEvent(new Event("input"));
      });
    });
    widget.addEventListener("markdownx.fileUploadEnd", () => {
      widget.querySelector(".upload-error")?.remove();
    });
  }
});
