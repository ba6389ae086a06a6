// Suggestions for the model pickers' text inputs, shown instead of lists when the catalogue is
// too large to list: a <datalist> per input, filled from the models-only suggestions as the
// visitor types, each option's value a model's slug. Without it the inputs take a name or slug
// as typed.
import { suggest } from "./suggest.js";

function option(model) {
  const element = document.createElement("option");
  element.value = model.value;
  element.label = model.label;
  return element;
}

function enhance(input) {
  const list = document.createElement("datalist");
  list.id = `${input.id}-options`;
  input.after(list);
  input.setAttribute("list", list.id);
  suggest(input, input.dataset.modelSuggestUrl, "json", (data) => {
    list.replaceChildren(...(data ? data.models.map(option) : []));
  });
}

document.querySelectorAll("input[data-model-suggest-url]").forEach(enhance);
