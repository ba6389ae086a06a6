// The model directory without this script works the same; with it, the filter panel starts
// folded on narrow screens, and the compare bar says how many models are ticked.
// Loaded in <head> without defer, so the panel is already folded at the first paint (the class
// below hides its content) instead of collapsing after it and shifting the page.
(function () {
  "use strict";

  var root = document.documentElement;
  if (window.matchMedia("(max-width: 47.99rem)").matches) {
    root.classList.add("fold-filters");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var filters = document.querySelector("details[data-collapse-narrow]");
    if (filters && root.classList.contains("fold-filters")) {
      filters.open = false;
      root.classList.remove("fold-filters");
    }

    var form = document.querySelector(".compare-form");
    if (!form) {
      return;
    }
    var status = form.querySelector("[data-compare-status]");
    var max = parseInt(form.getAttribute("data-max"), 10) || 5;

    function update() {
      var ticked = form.querySelectorAll('input[name="m"]:checked').length;
      if (ticked === 0) {
        status.textContent = "Tick 2 to " + max + " models.";
      } else if (ticked === 1) {
        status.textContent = "1 ticked: tick at least one more.";
      } else if (ticked > max) {
        status.textContent = ticked + " ticked: at most " + max + " can be compared.";
      } else {
        status.textContent = ticked + " ticked.";
      }
    }

    form.addEventListener("change", update);
    update();
  });
})();
