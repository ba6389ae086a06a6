// The admin's export page (templates/admin/import_export/export.html): django-import-export
// binds its "Select all" box with an inline onchange attribute, which the Content Security
// Policy refuses; bind the package's own handler (a global of its classic export.js) here.
const toggle = document.getElementById("select-all-toggle");
if (toggle && typeof window.onSelectToggleChange === "function") {
  toggle.addEventListener("change", window.onSelectToggleChange);
}
