// Suggestions as the visitor types, for the header's search box (search.js) and the model
// pickers (model-picker.js).

const DELAY = 150;

// Calls show(body, query) with the suggestions for what is typed in the input, fetched from
// url?q=… a moment after the typing stops, each request cancelling the one before. The body is
// the response read as "text" or "json", or null for an empty box or a failed request.
export function suggest(input, url, read, show) {
  let timer = null;
  let controller = null;
  let lastQuery = "";

  async function load() {
    const query = input.value.trim();
    if (query === lastQuery) {
      return;
    }
    lastQuery = query;
    controller?.abort();
    if (!query) {
      show(null, query);
      return;
    }
    controller = new AbortController();
    try {
      const response = await fetch(`${url}?q=${encodeURIComponent(query)}`, {
        signal: controller.signal,
        headers: { Accept: read === "json" ? "application/json" : "text/html" },
      });
      show(response.ok ? await response[read]() : null, query);
    } catch (error) {
      if (error.name !== "AbortError") {
        show(null, query);
      }
    }
  }

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, DELAY);
  });
}
