// dossier serve: live reload. Injected only into pages served by `dossier serve`.
(() => {
  "use strict";
  const ID = "dossier-problems";
  let disconnected = false;

  function hideProblems() {
    const old = document.getElementById(ID);
    if (old) old.remove();
  }

  function showProblems(text) {
    hideProblems();
    const box = document.createElement("div");
    box.id = ID;
    box.setAttribute("role", "alert");
    box.style.cssText =
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
      "background:rgba(20,20,20,.96);color:#fff;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
    const title = document.createElement("h2");
    title.textContent = "The site has errors (fix and save: this page updates)";
    title.style.cssText = "margin:0 0 1rem;font:bold 18px/1.3 system-ui,sans-serif;color:#ffb4ab";
    const pre = document.createElement("pre");
    pre.textContent = text;
    pre.style.cssText = "white-space:pre-wrap;margin:0";
    box.append(title, pre);
    document.body.append(box);
  }

  function swapStylesheets() {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("dossier", Date.now().toString());
      link.href = url.href;
    }
  }

  const source = new EventSource("/__dossier/events");
  source.addEventListener("reload", (e) => {
    const change = JSON.parse(e.data);
    hideProblems();
    if (change.css_only) swapStylesheets();
    else location.reload();
  });
  source.addEventListener("problems", (e) => showProblems(e.data));
  source.addEventListener("ok", () => {
    hideProblems();
    // After a server restart the page may be stale: fetch it again.
    if (disconnected) location.reload();
  });
  source.onerror = () => {
    disconnected = true;
  };
})();
