// The editor's desk (kb/catalogue/widgets.py). django-markdownx's script sends the text for its
// preview as the editor types and puts the answer into an inert <template>; this module shows
// that answer in the preview's own document (the public stylesheet, framed beside the text),
// asks for the warnings and lists them with their lines, keeps the preview beside the paragraph
// being edited, and adds the toolbar, Write/Preview tabs on a narrow screen, light and dark,
// Ctrl+S and a warning before leaving unsaved changes. Without it the form still works.

const WIDE = window.matchMedia("(width >= 60rem)");
const DARK = window.matchMedia("(prefers-color-scheme: dark)");
// The parts of generated blocks that follow their first element (templates/blocks/).
const CONTINUED = ".block-examples-more";

function csrfToken(element) {
  return element.closest("form")?.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

function lineOf(text, offset) {
  let line = 1;
  for (let index = text.indexOf("\n"); index !== -1 && index < offset; index = text.indexOf("\n", index + 1)) {
    line += 1;
  }
  return line;
}

function lineStart(text, offset) {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

// Replace text[start:end] by `replacement` so that Undo takes it back, then select
// [selectFrom, selectTo) of the replacement. The input event tells markdownx to refresh.
function replaceRange(textarea, start, end, replacement, selectFrom = replacement.length, selectTo = selectFrom) {
  textarea.focus();
  textarea.setSelectionRange(start, end);
  if (!document.execCommand("insertText", false, replacement)) {
    textarea.setRangeText(replacement, start, end, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
  textarea.setSelectionRange(start + selectFrom, start + selectTo);
}

function wrap(textarea, mark, placeholder) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const inner = value.slice(start, end) || placeholder;
  replaceRange(textarea, start, end, mark + inner + mark, mark.length, mark.length + inner.length);
}

function prefixLines(textarea, prefix) {
  const { selectionStart, selectionEnd, value } = textarea;
  const start = lineStart(value, selectionStart);
  const lines = value.slice(start, selectionEnd).split("\n");
  const written = lines.map((line, index) => prefix(index) + line.replace(/^(#{1,6} |[-*+] |\d+\. )/, "")).join("\n");
  replaceRange(textarea, start, selectionEnd, written);
}

// A placeholder goes on a line of its own, with a blank line before and after it.
function insertBlock(textarea, placeholder) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const before = value.slice(0, start);
  const after = value.slice(end);
  const opening = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  const closing = after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
  const text = opening + placeholder + closing;
  replaceRange(textarea, start, end, text, opening.length + placeholder.length);
}

const ACTIONS = {
  heading: (textarea) => prefixLines(textarea, () => "## "),
  subheading: (textarea) => prefixLines(textarea, () => "### "),
  bold: (textarea) => wrap(textarea, "**", "bold text"),
  italic: (textarea) => wrap(textarea, "*", "italic text"),
  link: (textarea) => {
    const { selectionStart: start, selectionEnd: end, value } = textarea;
    const words = value.slice(start, end) || "link text";
    const target = "https://";
    const text = `[${words}](${target})`;
    replaceRange(textarea, start, end, text, words.length + 3, words.length + 3 + target.length);
  },
  bullets: (textarea) => prefixLines(textarea, () => "- "),
  numbers: (textarea) => prefixLines(textarea, (index) => `${index + 1}. `),
  comparison: (textarea) => insertBlock(textarea, "[[comparison]]"),
};

class Desk {
  constructor(root) {
    this.root = root;
    this.textarea = root.querySelector("textarea");
    this.frame = root.querySelector(".desk-frame");
    this.answer = root.querySelector("template.markdownx-preview");
    this.warningList = root.querySelector(".desk-warning-list");
    this.noWarnings = root.querySelector(".desk-no-warnings");
    this.tabs = root.querySelector(".desk-tabs");
    this.panels = {
      write: root.querySelector(".desk-write"),
      preview: root.querySelector(".desk-preview"),
    };
    this.blocks = [];
    this.html = null;
    this.asked = 0;

    this.frame.addEventListener("load", () => this.show());
    root.addEventListener("markdownx.update", (event) => this.update(event.detail?.[0] ?? this.answer.innerHTML));
    this.textarea.addEventListener("keyup", () => this.follow());
    this.textarea.addEventListener("click", () => this.follow());
    this.textarea.addEventListener("scroll", () => this.followScroll(), { passive: true });
    this.textarea.addEventListener("keydown", (event) => this.shortcut(event));
    this.setUpToolbar();
    this.setUpTabs();
    this.setUpScheme();
    if (this.answer.innerHTML) this.update(this.answer.innerHTML);
  }

  get previewBody() {
    const document = this.frame.contentDocument;
    return document?.readyState === "complete" ? document.querySelector("[data-preview-body]") : null;
  }

  update(html) {
    this.html = html;
    this.show();
    this.proofread();
  }

  show() {
    const body = this.previewBody;
    if (body && this.html !== null) {
      body.innerHTML = this.html;
      this.root.dataset.previewShown = String(Number(this.root.dataset.previewShown ?? 0) + 1);
      this.follow();
    }
  }

  async proofread() {
    const asked = ++this.asked;
    const data = new FormData();
    data.append("content", this.textarea.value);
    data.append("under", this.root.dataset.headingUnder);
    const response = await fetch(this.root.dataset.proofreadUrl, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrfToken(this.root) },
      credentials: "same-origin",
    });
    if (!response.ok || asked !== this.asked) return;
    const { warnings, blocks } = await response.json();
    this.blocks = blocks;
    this.listWarnings(warnings);
  }

  listWarnings(warnings) {
    const items = warnings.map(({ line, message }) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `Line ${line}`;
      button.addEventListener("click", () => this.goToLine(line));
      item.append(button, ` ${message}`);
      return item;
    });
    this.warningList.replaceChildren(...items);
    this.noWarnings.hidden = items.length > 0;
    // On a phone the warnings are behind the Preview tab: it says how many there are.
    const count = items.length;
    const tab = this.tabs.querySelector("[data-pane=preview]");
    tab.textContent = count ? `Preview (${count} warning${count === 1 ? "" : "s"})` : "Preview";
  }

  goToLine(line) {
    const { value } = this.textarea;
    let start = 0;
    for (let current = 1; current < line; current += 1) start = value.indexOf("\n", start) + 1;
    const end = value.indexOf("\n", start);
    this.select("write");
    this.textarea.focus();
    this.textarea.setSelectionRange(start, end === -1 ? value.length : end);
    const lineHeight = parseFloat(getComputedStyle(this.textarea).lineHeight) || 20;
    this.textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
    this.follow();
  }

  // The preview element that shows the block on `line`. Each top-level block of the text makes
  // one element, but for a generated block's second part (CONTINUED) and the footnotes at the
  // end; raw HTML can make more or fewer, and then the preview goes by proportion instead.
  elementFor(line) {
    const body = this.previewBody;
    if (!body) return null;
    const elements = [...body.children].filter((element) => !element.matches(CONTINUED));
    if (elements.length < this.blocks.length) return null;
    let index = 0;
    while (index + 1 < this.blocks.length && this.blocks[index + 1] <= line) index += 1;
    return elements[index] ?? null;
  }

  scrollPreview(line, fraction, share) {
    const window_ = this.frame.contentWindow;
    const body = this.previewBody;
    if (!window_ || !body) return;
    const room = window_.innerHeight;
    const end = body.ownerDocument.documentElement.scrollHeight - room;
    const element = this.elementFor(line);
    let top = fraction * end;
    // At either end of the text, the preview is at the same end; between, at the block.
    if (fraction <= 0) top = 0;
    else if (fraction >= 1) top = end;
    else if (element) top = element.getBoundingClientRect().top + window_.scrollY - room * share;
    window_.scrollTo({ top: Math.max(0, top) });
  }

  // The preview shows the paragraph the caret is in, a third of the way down.
  follow() {
    if (!this.isVisible(this.panels.preview)) return;
    const { value, selectionStart } = this.textarea;
    const line = lineOf(value, selectionStart);
    const lines = lineOf(value, value.length);
    this.scrollPreview(line, lines > 1 ? (line - 1) / (lines - 1) : 0, 1 / 3);
  }

  // Scrolling the text scrolls the preview to the block at the text's top.
  followScroll() {
    if (!this.isVisible(this.panels.preview)) return;
    const { scrollTop, scrollHeight, clientHeight, value } = this.textarea;
    const fraction = scrollHeight > clientHeight ? scrollTop / (scrollHeight - clientHeight) : 0;
    const lines = lineOf(value, value.length);
    this.scrollPreview(1 + Math.round(fraction * (lines - 1)), fraction, 0);
  }

  isVisible(element) {
    return !element.hidden && element.offsetParent !== null;
  }

  shortcut(event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    const button = this.root.querySelector(`.desk-tool[data-key="${event.key.toLowerCase()}"]`);
    if (button) {
      event.preventDefault();
      button.click();
    }
  }

  setUpToolbar() {
    const toolbar = this.root.querySelector(".desk-toolbar");
    toolbar.hidden = false;
    toolbar.addEventListener("click", (event) => {
      const button = event.target.closest(".desk-tool");
      if (!button) return;
      const action = button.dataset.action;
      if (action === "examples") this.askForExamples();
      else ACTIONS[action]?.(this.textarea);
    });
    // One tab stop for the toolbar; the arrow keys move within it.
    const buttons = [...toolbar.querySelectorAll("button")];
    buttons.forEach((button, index) => (button.tabIndex = index === 0 ? 0 : -1));
    toolbar.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      const at = buttons.indexOf(event.target);
      if (!step || at === -1) return;
      event.preventDefault();
      const next = buttons[(at + step + buttons.length) % buttons.length];
      buttons[at].tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    });
  }

  async askForExamples() {
    const dialog = this.root.querySelector(".desk-examples-dialog");
    const select = dialog.querySelector("select");
    if (!select.options.length) {
      const response = await fetch(this.root.dataset.slugsUrl, { credentials: "same-origin" });
      const { categories, entries } = await response.json();
      for (const [label, items] of [["Categories", categories], ["Models", entries]]) {
        const group = document.createElement("optgroup");
        group.label = label;
        group.append(...items.map(({ slug, name }) => new Option(`${name} (${slug})`, slug)));
        select.append(group);
      }
    }
    if (!dialog.dataset.ready) {
      dialog.dataset.ready = "1";
      dialog.querySelector(".desk-examples-insert").addEventListener("click", () => {
        dialog.close();
        insertBlock(this.textarea, `[[examples ${select.value}]]`);
      });
      dialog.querySelector(".desk-examples-cancel").addEventListener("click", () => {
        dialog.close();
        this.textarea.focus();
      });
    }
    dialog.showModal();
    select.focus();
  }

  setUpTabs() {
    this.tabs.setAttribute("role", "tablist");
    this.tabs.setAttribute("aria-label", "Text and preview");
    const tabs = [...this.tabs.querySelectorAll("button")];
    tabs.forEach((tab, index) => {
      const name = tab.dataset.pane;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", this.panels[name].id);
      tab.addEventListener("click", () => this.select(name));
      tab.addEventListener("keydown", (event) => {
        if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
        event.preventDefault();
        const other = tabs[1 - index];
        this.select(other.dataset.pane);
        other.focus();
      });
    });
    this.tabList = tabs;
    this.ownLabels = { write: null, preview: this.panels.preview.getAttribute("aria-labelledby") };
    WIDE.addEventListener("change", () => this.arrange());
    this.select("write");
  }

  arrange() {
    const tabbed = !WIDE.matches;
    this.tabs.hidden = !tabbed;
    // Side by side, the preview is a section named by its heading; as tabs, each pane is a
    // tab panel named by its tab.
    for (const [name, panel] of Object.entries(this.panels)) {
      panel.hidden = tabbed && name !== this.selected;
      const label = tabbed ? `${panel.id}-tab` : this.ownLabels[name];
      if (tabbed) panel.setAttribute("role", "tabpanel");
      else panel.removeAttribute("role");
      if (label) panel.setAttribute("aria-labelledby", label);
      else panel.removeAttribute("aria-labelledby");
    }
    this.follow();
  }

  select(name) {
    this.selected = name;
    for (const tab of this.tabList) {
      const on = tab.dataset.pane === name;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
    }
    this.arrange();
  }

  // The preview in light or dark colours: the admin's own, until the editor picks one.
  setUpScheme() {
    const fieldset = this.root.querySelector(".desk-scheme");
    let picked = false;
    const apply = (scheme) => {
      fieldset.querySelector(`input[value=${scheme}]`).checked = true;
      this.frame.classList.toggle("is-light", scheme === "light");
      this.frame.classList.toggle("is-dark", scheme === "dark");
    };
    const follow = () => {
      const theme = document.documentElement.dataset.theme;
      if (!picked) apply(theme === "light" || theme === "dark" ? theme : DARK.matches ? "dark" : "light");
    };
    follow();
    DARK.addEventListener("change", follow);
    new MutationObserver(follow).observe(document.documentElement, { attributeFilter: ["data-theme"] });
    fieldset.addEventListener("change", (event) => {
      picked = true;
      apply(event.target.value);
    });
    fieldset.hidden = false;
  }
}

// Ctrl+S (Cmd+S) saves and stays on the page; leaving with unsaved changes asks first.
function setUpForm(form) {
  let unsaved = Boolean(document.querySelector(".errornote"));
  // The desk's own controls (preview colours, the examples' list) change nothing to save.
  const edits = (event) => {
    if (!event.target.closest(".desk-scheme, .desk-examples-dialog")) unsaved = true;
  };
  form.addEventListener("input", edits);
  form.addEventListener("change", edits);
  form.addEventListener("submit", () => (unsaved = false));
  window.addEventListener("beforeunload", (event) => {
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "s" || event.altKey) return;
    const button = form.querySelector("[name=_continue]") ?? form.querySelector("[name=_save]");
    if (!button) return;
    event.preventDefault();
    form.requestSubmit(button);
  });
}

const desks = [...document.querySelectorAll(".editor-desk")].map((root) => new Desk(root));
const form = desks[0]?.root.closest("form");
if (form) setUpForm(form);
