// The model directory without this script works the same; with it, the filter panel starts
// folded on narrow screens, and the compare bar says how many models are ticked.

// The same width as site.css's "large" breakpoint, below which the panel folds. Until this
// module runs (after the page is parsed), site.css hides the open panel's content on narrow
// screens with scripting on, so closing it here shifts nothing; data-enhanced ends that.
const NARROW = "(width < 48rem)";

const filters = document.querySelector("details[data-collapse-narrow]");
if (filters) {
  if (window.matchMedia(NARROW).matches) {
    filters.open = false;
  }
  filters.dataset.enhanced = "";
}

function countTicked(form) {
  const status = form.querySelector("[data-compare-status]");
  const max = Number.parseInt(form.dataset.max, 10) || 5;
  const ticked = form.querySelectorAll('input[name="m"]:checked').length;
  if (ticked === 0) {
    status.textContent = `Tick 2 to ${max} models.`;
  } else if (ticked === 1) {
    status.textContent = "1 ticked: tick at least one more.";
  } else if (ticked > max) {
    status.textContent = `${ticked} ticked: at most ${max} can be compared.`;
  } else {
    status.textContent = `${ticked} ticked.`;
  }
}

const form = document.querySelector(".compare-form");
if (form) {
  form.addEventListener("change", () => countTicked(form));
  countTicked(form);
}
