// policywatch review page, loaded as a file (the Content-Security-Policy forbids inline script).
// Keyboard: j/n next, k/p previous item (changes on a diff, alerts in the inbox, search hits),
// Enter opens the current item; "/" jumps to the search box and Esc leaves it (the box never
// keeps the shortcuts: it is focused on its own only on the empty search page);
// the "changes only / full text" toggle on diff pages.
(function () {
  "use strict";

  function items() {
    var selector = document.body.dataset.nav;
    if (!selector) { return []; }
    return Array.prototype.filter.call(
      document.querySelectorAll(selector),
      function (item) { return item.offsetParent !== null; }
    );
  }

  function move(step) {
    var list = items();
    if (!list.length) { return; }
    var active = document.querySelector(".current");
    var index = active ? list.indexOf(active) : -1;
    if (active) { active.classList.remove("current"); }
    index = Math.min(list.length - 1, Math.max(0, index + step));
    var item = list[index];
    item.classList.add("current");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "center" });
    if (item.id && history.replaceState) { history.replaceState(null, "", "#" + item.id); }
  }

  function openCurrent() {
    var active = document.querySelector(".current");
    var link = active && active.querySelector("h2 a, a");
    if (link) { link.click(); return true; }
    return false;
  }

  function setView(view) {
    document.body.classList.remove("view-changes", "view-full");
    document.body.classList.add("view-" + view);
    document.querySelectorAll(".view-link").forEach(function (link) {
      link.classList.toggle("active", link.dataset.view === view);
    });
    if (history.replaceState) {
      var url = new URL(window.location.href);
      url.searchParams.set("view", view);
      history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (event.key === "/" && !typing(event.target)) {
      var box = document.querySelector("input[name=q]");
      if (box) { box.focus(); box.select(); event.preventDefault(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "j" || event.key === "n") { move(1); event.preventDefault(); }
    else if (event.key === "k" || event.key === "p") { move(-1); event.preventDefault(); }
    else if (event.key === "Enter" && openCurrent()) { event.preventDefault(); }
  });

  // Sortable tables (table.sortable): a click on a heading sorts by that column, again reverses.
  // Cells may carry data-sort (a number or text) instead of their shown text.
  function sortBy(header) {
    var table = header.closest("table");
    var index = Array.prototype.indexOf.call(header.parentNode.children, header);
    var numeric = header.dataset.type === "number";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    function key(row) {
      var cell = row.cells[index];
      var raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
      if (!numeric) { return raw; }
      return raw === "" ? (ascending ? Infinity : -Infinity) : parseFloat(raw);
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      var order = numeric ? x - y : String(x).localeCompare(String(y), "zh");
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  document.addEventListener("click", function (event) {
    var sortable = event.target.closest("table.sortable th");
    if (sortable) { sortBy(sortable); return; }
    var link = event.target.closest(".view-link");
    if (link) { setView(link.dataset.view); event.preventDefault(); return; }
    var jump = event.target.closest(".jump");
    if (jump) { move(jump.dataset.jump === "next" ? 1 : -1); }
  });
})();
