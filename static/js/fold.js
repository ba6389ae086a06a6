// A filter panel (<details data-collapse-narrow>) starts folded on narrow screens: the
// directory's and the search page's. Without this script the panel is open and works the same.

// The same width as site.css's "large" breakpoint, below which the panel folds. Until this
// module runs (after the page is parsed), site.css hides the open panel's content on narrow
// screens with scripting on, so closing it here shifts nothing; data-enhanced ends that.
const NARROW = "(width < 48rem)";

for (const panel of document.querySelectorAll("details[data-collapse-narrow]")) {
  if (window.matchMedia(NARROW).matches) {
    panel.open = false;
  }
  panel.dataset.enhanced = "";
}
