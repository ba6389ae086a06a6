// Suggestions under the header's search box, following the ARIA combobox pattern.
// Without this script the box is a plain GET form to /search/.
import { suggest } from "./suggest.js";

function enhance(input) {
  const listbox = document.getElementById(input.getAttribute("aria-controls"));
  const status = document.getElementById(input.dataset.status);
  let active = -1;
  let shownQuery = "";

  function options() {
    return Array.from(listbox.querySelectorAll('[role="option"]'));
  }

  function setActive(index) {
    const all = options();
    active = index;
    all.forEach((option, i) => {
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
    const found = Math.max(count - 1, 0);
    status.textContent =
      found === 0
        ? "No suggestions."
        : `${found} ${found === 1 ? "suggestion" : "suggestions"}. Use the up and down arrows to choose.`;
  }

  function fill(html) {
    const parsed = new DOMParser().parseFromString(`<ul>${html}</ul>`, "text/html");
    listbox.replaceChildren(...parsed.body.firstChild.childNodes);
    const count = options().length;
    setActive(-1);
    show(count > 0);
    announce(count);
  }

  function go(option) {
    window.location.assign(option.dataset.url);
  }

  suggest(input, input.dataset.suggestUrl, "text", (html, query) => {
    shownQuery = query;
    fill(html || "");
    if (!query) {
      status.textContent = "";
    }
  });

  input.addEventListener("keydown", (event) => {
    const all = options();
    const open = !listbox.hidden;
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

  input.addEventListener("blur", () => show(false));

  input.addEventListener("focus", () => {
    if (options().length && input.value.trim() === shownQuery) {
      show(true);
    }
  });

  // Keep the focus in the box while an option is clicked, then follow it.
  listbox.addEventListener("mousedown", (event) => event.preventDefault());
  listbox.addEventListener("click", (event) => {
    const option = event.target.closest('[role="option"]');
    if (option) {
      go(option);
    }
  });

  // "/" focuses the box, unless the visitor is typing somewhere else.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
      return;
    }
    const target = event.target;
    if (target.isContentEditable || target.closest("input, textarea, select")) {
      return;
    }
    event.preventDefault();
    input.focus();
    input.select();
  });
}

const input = document.querySelector("input[data-suggest-url]");
if (input) {
  enhance(input);
}
