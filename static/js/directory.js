// The model directory without this script works the same; with it, the compare bar says how
// many models are ticked. (fold.js, loaded beside it, folds the filter panel on narrow screens.)

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
