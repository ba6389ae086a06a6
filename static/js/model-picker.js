// Suggestions for the model pickers' text inputs, shown instead of lists when the catalogue is
// too large to list: a <datalist> per input, filled from the models-only suggestions as the
// visitor types, each option's value a model's slug. It fetches with kbSuggest from search.js
// (in every page's header), so it starts once every deferred script has run. Without it the
// inputs take a name or slug as typed.
(function () {
  "use strict";

  function option(model) {
    var element = document.createElement("option");
    element.value = model.value;
    element.label = model.label;
    return element;
  }

  function enhance(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-options";
    input.after(list);
    input.setAttribute("list", list.id);
    window.kbSuggest(input, input.dataset.modelSuggestUrl, "json", function (data) {
      list.replaceChildren.apply(list, data ? data.models.map(option) : []);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.kbSuggest) {
      document.querySelectorAll("input[data-model-suggest-url]").forEach(enhance);
    }
  });
})();
