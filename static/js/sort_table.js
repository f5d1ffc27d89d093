/* Sortable tables: a header <th data-sort-column="key" data-sort-type="number|text"> holds a
   button; pressing it sorts the body's rows by the cell of class `key` in each row (its
   data-sort-value, else its text), ascending, then descending on a second press. The
   header says which way (aria-sort). The server's order stays without JavaScript. */
(function () {
  "use strict";
  function value(row, key, type) {
    var cell = row.querySelector("." + key);
    if (!cell) { return type === "number" ? Infinity : ""; }
    var raw = cell.hasAttribute("data-sort-value") ? cell.getAttribute("data-sort-value") : cell.textContent.trim();
    return type === "number" ? parseFloat(raw) : raw;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("th[data-sort-column] button.sort");
    if (!button) { return; }
    var header = button.closest("th");
    var table = header.closest("table");
    var body = table.tBodies[0];
    var key = header.getAttribute("data-sort-column");
    var type = header.getAttribute("data-sort-type") || "text";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, key, type);
      var y = value(b, key, type);
      var order = type === "number" ? x - y : String(x).localeCompare(String(y), "ja");
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("th[data-sort-column]").forEach(function (th) {
      th.setAttribute("aria-sort", "none");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  });
})();
