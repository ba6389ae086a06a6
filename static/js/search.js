// Suggestions under the header's search box, following the ARIA combobox pattern.
// Without this script the box is a plain GET form to /search/.
(function () {
  "use strict";

  // Calls show(body, query) with the suggestions for what is typed in the input, fetched from
  // url?q=… a moment after the typing stops, each request cancelling the one before. The body
  // is the response read as "text" or "json", or null for an empty box or a failed request.
  // The model pickers use it too (model-picker.js).
  window.kbSuggest = function (input, url, read, show) {
    var DELAY = 150;
    var timer = null;
    var controller = null;
    var lastQuery = "";

    function load() {
      var query = input.value.trim();
      if (query === lastQuery) {
        return;
      }
      lastQuery = query;
      if (controller) {
        controller.abort();
      }
      if (!query) {
        show(null, query);
        return;
      }
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(query), {
        signal: controller.signal,
        headers: { Accept: read === "json" ? "application/json" : "text/html" },
      })
        .then(function (response) {
          return response.ok ? response[read]() : null;
        })
        .then(function (body) {
          show(body, query);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            show(null, query);
          }
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, DELAY);
    });
  };

  var input = document.querySelector("input[data-suggest-url]");
  if (!input) {
    return;
  }
  var listbox = document.getElementById(input.getAttribute("aria-controls"));
  var status = document.getElementById(input.dataset.status);
  var active = -1;
  var shownQuery = "";

  function options() {
    return Array.prototype.slice.call(listbox.querySelectorAll('[role="option"]'));
  }

  function setActive(index) {
    var all = options();
    active = index;
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function show(open) {
    listbox.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) {
      setActive(-1);
    }
  }

  function announce(count) {
    // The last option is "All results": it is not a suggestion.
    var found = Math.max(count - 1, 0);
    status.textContent = found === 0 ? "No suggestions." :
      found + (found === 1 ? " suggestion" : " suggestions") + ". Use the up and down arrows to choose.";
  }

  function fill(html) {
    var parsed = new DOMParser().parseFromString("<ul>" + html + "</ul>", "text/html");
    listbox.replaceChildren.apply(listbox, parsed.body.firstChild.childNodes);
    var count = options().length;
    setActive(-1);
    show(count > 0);
    announce(count);
  }

  function go(option) {
    window.location.assign(option.dataset.url);
  }

  window.kbSuggest(input, input.dataset.suggestUrl, "text", function (html, query) {
    shownQuery = query;
    fill(html || "");
    if (!query) {
      status.textContent = "";
    }
  });

  input.addEventListener("keydown", function (event) {
    var all = options();
    var open = !listbox.hidden;
    if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      show(true);
      setActive(active + 1 < all.length ? active + 1 : 0);
    } else if (event.key === "ArrowUp" && all.length) {
      event.preventDefault();
      show(true);
      setActive(active > 0 ? active - 1 : all.length - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      go(all[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      show(false);
    }
  });

  input.addEventListener("blur", function () {
    show(false);
  });

  input.addEventListener("focus", function () {
    if (options().length && input.value.trim() === shownQuery) {
      show(true);
    }
  });

  // Keep the focus in the box while an option is clicked, then follow it.
  listbox.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });
  listbox.addEventListener("click", function (event) {
    var option = event.target.closest('[role="option"]');
    if (option) {
      go(option);
    }
  });

  // "/" focuses the box, unless the visitor is typing somewhere else.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
      return;
    }
    var target = event.target;
    if (target.isContentEditable || target.closest("input, textarea, select")) {
      return;
    }
    event.preventDefault();
    input.focus();
    input.select();
  });
})();
