// The search page: reads ?q=, asks Pagefind's own search API (pagefind.js,
// written by the build beside the index) and lists the results as links.
// Our own few lines rather than Pagefind's UI: one labelled form, a status
// line (role="status") that announces how many results there are, an
// ordered list of plain links, and a button for more. Without JavaScript
// the page lists the site's pages instead.
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const form = document.querySelector(".search-form");
const input = document.getElementById("search-q");
const more = document.querySelector(".search-more");
const moreButton = more && more.querySelector("button");
const everything = document.getElementById("search-all");
const BATCH = 10;

let pagefind = null;
let results = [];
let shown = 0;
// Each search has a number; answers to an older one are dropped.
let latest = 0;

function label(name, n) {
  return (status.dataset[name] || "").replace("{n}", String(n));
}

// A large site's index comes in shards: the first beside pagefind.js, the
// others in the folders shards.json names, merged into it (the results of
// all come back as one list, filters counted over all).
async function mergeShards(engine, baseUrl) {
  const dir = new URL(".", new URL(status.dataset.index, window.location.href));
  const response = await fetch(new URL("shards.json", dir));
  if (!response.ok) throw new Error(`shards.json: ${response.status}`);
  const { shards } = await response.json();
  for (const shard of shards) {
    await engine.mergeIndex(new URL(shard, dir).pathname, { baseUrl });
  }
}

// Loaded once: a second try would merge the shards a second time.
function engine() {
  if (!pagefind) {
    pagefind = (async () => {
      const loaded = await import(status.dataset.index);
      // Result URLs are stored from the site's root: put the path it is
      // served from (the build's base URL) in front of them.
      const baseUrl = status.dataset.base;
      await loaded.options({ baseUrl, excerptLength: 24 });
      await mergeShards(loaded, baseUrl);
      return loaded;
    })();
  }
  return pagefind;
}

// The excerpt Pagefind gives is HTML with <mark>s around the words found:
// keep its text and the marks, nothing else.
function excerpt(html) {
  const p = document.createElement("p");
  p.className = "search-result__text";
  const doc = new DOMParser().parseFromString(html, "text/html");
  for (const node of doc.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      p.append(mark);
    } else {
      p.append(node.textContent);
    }
  }
  return p;
}

function item(data) {
  const li = document.createElement("li");
  li.className = "search-result";
  const h = document.createElement("h2");
  h.className = "search-result__title";
  const a = document.createElement("a");
  a.href = data.url;
  a.textContent = (data.meta && data.meta.title) || data.url;
  h.append(a);
  li.append(h);
  if (data.meta && data.meta.summary) {
    const p = document.createElement("p");
    p.className = "search-result__text";
    p.textContent = data.meta.summary;
    li.append(p);
  } else if (data.excerpt) {
    li.append(excerpt(data.excerpt));
  }
  return li;
}

async function showMore(search, focusFirst) {
  const batch = results.slice(shown, shown + BATCH);
  const data = await Promise.all(batch.map((r) => r.data()));
  if (search !== latest) return;
  const items = data.map(item);
  list.append(...items);
  shown += batch.length;
  more.hidden = shown >= results.length;
  if (focusFirst && items.length) items[0].querySelector("a").focus();
}

async function run(query) {
  const search = ++latest;
  const q = query.trim();
  const url = new URL(window.location.href);
  if (q) url.searchParams.set("q", q);
  else url.searchParams.delete("q");
  window.history.replaceState(null, "", url);
  list.replaceChildren();
  list.hidden = true;
  more.hidden = true;
  results = [];
  shown = 0;
  if (!q) {
    status.textContent = "";
    everything.hidden = false;
    return;
  }
  status.textContent = label("labelLoading");
  try {
    const found = await (await engine()).search(q);
    if (search !== latest) return;
    results = found.results;
    everything.hidden = results.length > 0;
    list.hidden = results.length === 0;
    await showMore(search, false);
    if (search !== latest) return;
    status.textContent =
      results.length === 0
        ? label("labelNone")
        : label(results.length === 1 ? "labelOne" : "labelMany", results.length);
  } catch (e) {
    if (search === latest) status.textContent = label("labelError");
  }
}

if (status && list && form && input && more) {
  let timer = null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run(input.value);
  });
  // Results follow the typing, once it pauses.
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), 300);
  });
  moreButton.addEventListener("click", () => showMore(latest, true));
  const q = new URLSearchParams(window.location.search).get("q") || "";
  if (q) {
    input.value = q;
    run(q);
  }
}
