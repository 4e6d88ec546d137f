/* Timeline filters for the dossier "explainer" theme.
   Progressive enhancement: without this script every event is shown and the
   filter bar stays hidden. Filters are read from the page (the toolbar's
   `[data-param]` lists and each event's data-category / data-actors), kept in
   the URL query (?category=strike&actor=bma) and announced in #timeline-count.
   No framework, no requests. */
(function () {
  "use strict";

  var toolbar = document.querySelector(".filters");
  var events = Array.prototype.slice.call(document.querySelectorAll("ol.timeline > li[id]"));
  if (!toolbar || !events.length || !window.URLSearchParams) return;

  var years = Array.prototype.slice.call(document.querySelectorAll(".timeline-year"));
  var status = document.getElementById("timeline-count");
  var empty = document.querySelector(".timeline-empty");
  var reset = document.querySelector(".filters__reset");
  var total = events.length;

  // The status line, in the site's language: the template passes it on the
  // toolbar ({n} = events shown, {m} = all events), English if it does not.
  var showingOne = toolbar.getAttribute("data-label-showing-one") || "Showing {n} of {m} event";
  var showingOther = toolbar.getAttribute("data-label-showing-other") || "Showing {n} of {m} events";

  // What each event can be filtered on.
  var values = {
    category: function (li) { return li.getAttribute("data-category") ? [li.getAttribute("data-category")] : []; },
    actor: function (li) { return (li.getAttribute("data-actors") || "").split(/\s+/).filter(Boolean); }
  };

  // param -> { buttons: {value: button}, selected: Set-like object }
  var groups = {};

  Array.prototype.forEach.call(toolbar.querySelectorAll("[data-param]"), function (list) {
    var param = list.getAttribute("data-param");
    if (!values[param]) return;
    var group = { buttons: {}, selected: {} };
    Array.prototype.forEach.call(list.querySelectorAll("[data-value]:not(button)"), function (item) {
      var value = item.getAttribute("data-value");
      var present = events.some(function (li) { return values[param](li).indexOf(value) !== -1; });
      if (!present) {
        item.parentNode.removeChild(item);
        return;
      }
      var button = item.querySelector("button");
      if (!button) {
        // A template may give only data attributes: build the button here.
        button = document.createElement("button");
        button.type = "button";
        if (item.style.getPropertyValue("--cat")) {
          var swatch = document.createElement("span");
          swatch.className = "swatch";
          swatch.setAttribute("aria-hidden", "true");
          button.appendChild(swatch);
        }
        button.appendChild(document.createTextNode(item.getAttribute("data-label") || value));
        item.appendChild(button);
      }
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        if (group.selected[value]) delete group.selected[value];
        else group.selected[value] = true;
        update(true);
      });
      group.buttons[value] = button;
    });
    if (Object.keys(group.buttons).length) groups[param] = group;
    else if (list.closest) {
      var wrapper = list.closest(".filter-group");
      if (wrapper) wrapper.hidden = true;
    }
  });

  function selectedOf(param) {
    return groups[param] ? Object.keys(groups[param].selected) : [];
  }

  function anySelected() {
    return Object.keys(groups).some(function (p) { return selectedOf(p).length > 0; });
  }

  // An event is shown when, in every group with a selection, it has one of the selected values.
  function matches(li) {
    return Object.keys(groups).every(function (param) {
      var wanted = selectedOf(param);
      if (!wanted.length) return true;
      var has = values[param](li);
      return wanted.some(function (v) { return has.indexOf(v) !== -1; });
    });
  }

  function writeUrl() {
    var params = new URLSearchParams(window.location.search);
    Object.keys(groups).forEach(function (param) {
      params.delete(param);
      selectedOf(param).forEach(function (v) { params.append(param, v); });
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    try {
      window.history.replaceState(window.history.state, "", url);
    } catch (e) {
      /* file:// or a sandbox: filtering still works without the URL. */
    }
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    Object.keys(groups).forEach(function (param) {
      params.getAll(param).forEach(function (raw) {
        raw.split(",").forEach(function (v) {
          v = v.trim();
          if (groups[param].buttons[v]) groups[param].selected[v] = true;
        });
      });
    });
  }

  function update(fromUser) {
    var shown = 0;
    events.forEach(function (li) {
      var ok = matches(li);
      li.hidden = !ok;
      if (ok) shown++;
    });
    years.forEach(function (year) {
      year.hidden = !year.querySelector("ol.timeline > li:not([hidden])");
    });
    Object.keys(groups).forEach(function (param) {
      var g = groups[param];
      Object.keys(g.buttons).forEach(function (v) {
        g.buttons[v].setAttribute("aria-pressed", g.selected[v] ? "true" : "false");
      });
    });
    var filtered = anySelected();
    if (reset) reset.hidden = !filtered;
    if (empty) empty.hidden = shown > 0;
    if (status) {
      status.textContent = (total === 1 ? showingOne : showingOther)
        .split("{n}").join(String(shown))
        .split("{m}").join(String(total));
    }
    if (fromUser) writeUrl();
  }

  if (reset) {
    reset.addEventListener("click", function () {
      Object.keys(groups).forEach(function (p) { groups[p].selected = {}; });
      update(true);
      // Keep focus in the toolbar: the reset button is about to be hidden.
      var first = toolbar.querySelector("[data-param] button");
      if (first) first.focus();
    });
  }

  // A link to one event (/timeline/#id) must not land on a hidden event.
  function revealTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.hidden) {
      Object.keys(groups).forEach(function (p) { groups[p].selected = {}; });
      update(true);
      target.scrollIntoView();
    }
  }

  readUrl();
  update(false);
  toolbar.hidden = false;
  revealTarget();
  window.addEventListener("hashchange", revealTarget);
})();
