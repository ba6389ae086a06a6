// Accessibility repairs to markup that the admin's own scripts build in the browser, where no
// template can reach it. A MutationObserver, because both widgets rebuild parts of it as the
// editor works.

function labelOf(field) {
  const label = field.id && document.querySelector(`label[for="${field.id}"]`);
  return label ? label.textContent.trim().replace(/:$/, "") : "";
}

function repair() {
  // SelectFilter2 (the two-list category picker) puts its hint in aria-label on a bare
  // <span>, where ARIA does not allow one; as an image the span may carry it.
  for (const hint of document.querySelectorAll(".help-tooltip[aria-label]:not([role])")) {
    hint.setAttribute("role", "img");
  }
  // select2 (the autocomplete boxes) gives its type-to-search field no name: it takes the
  // label of the <select> it stands in for, which select2 keeps just before its own box.
  for (const input of document.querySelectorAll(".select2-search__field:not([aria-label])")) {
    const box = input.closest(".select2-container");
    const name = box?.previousElementSibling ? labelOf(box.previousElementSibling) : "";
    if (name) {
      input.setAttribute("aria-label", name);
    }
  }
}

new MutationObserver(repair).observe(document.documentElement, { childList: true, subtree: true });
repair();
