// The report's tables: click a heading to sort by it (again to reverse), type in the box above a table to keep the rows
// that contain the text. Plain JavaScript in the page, so that it works offline from file://.
"use strict";

function cellValue(row, column) {
  const cell = row.cells[column];
  if (!cell) {
    return "";
  }
  const text = (cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent).trim();
  const number = text.replace(/^(>=|≥)\s*/, "").replace(/[,×%]/g, "").split(/[–\s]/)[0];
  return text !== "" && number !== "" && !isNaN(Number(number)) ? Number(number) : text.toLowerCase();
}

function sortTable(table, column, descending) {
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = cellValue(a, column);
    const y = cellValue(b, column);
    if (x === "" || y === "") {
      return x === y ? 0 : x === "" ? 1 : -1; // blanks last either way
    }
    const order = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : typeof x === "number" ? -1 : 1;
    return descending ? -order : order;
  });
  rows.forEach((r) => body.appendChild(r));
  Array.from(table.tHead.rows[0].cells).forEach((th, i) => {
    th.setAttribute("aria-sort", i === column ? (descending ? "descending" : "ascending") : "none");
  });
}

function filterTable(table, text) {
  const words = text.toLowerCase().split(/\s+/).filter((w) => w !== "");
  let shown = 0;
  Array.from(table.tBodies[0].rows).forEach((row) => {
    const content = row.textContent.toLowerCase();
    const keep = words.every((w) => content.includes(w));
    row.hidden = !keep;
    shown += keep ? 1 : 0;
  });
  return shown;
}

function makeExplorable(table) {
  const headings = Array.from(table.tHead.rows[0].cells);
  headings.forEach((th, column) => {
    th.tabIndex = 0;
    th.title = "Sort by " + th.textContent.trim() + " (again to reverse)";
    const sort = () => sortTable(table, column, th.getAttribute("aria-sort") === "ascending");
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        sort();
      }
    });
  });
  const box = document.createElement("input");
  box.type = "search";
  box.className = "filter";
  box.placeholder = "Filter rows: type words, e.g. plaintext nio 1,000";
  const count = document.createElement("span");
  count.className = "count";
  const total = table.tBodies[0].rows.length;
  count.textContent = total + " rows";
  box.addEventListener("input", () => {
    count.textContent = filterTable(table, box.value) + " of " + total + " rows";
  });
  const bar = document.createElement("div");
  bar.className = "filterbar";
  bar.append(box, count);
  const wrapper = table.closest(".scroll") || table;
  wrapper.parentNode.insertBefore(bar, wrapper);
}

// Run by the browser test (report.html#selftest): sorts the numbers table by its first numeric column both ways and
// records on <body> whether the rows came out in order.
function selfTest() {
  const table = document.querySelector("table.explore[data-selftest]");
  if (!table) {
    document.body.dataset.selftest = "no table";
    return;
  }
  const column = Array.from(table.tHead.rows[0].cells).findIndex((th) => th.textContent.trim() === table.dataset.selftest);
  const values = () => Array.from(table.tBodies[0].rows).map((r) => cellValue(r, column)).filter((v) => typeof v === "number");
  const inOrder = (list, sign) => list.every((v, i) => i === 0 || sign * (v - list[i - 1]) >= 0);
  const th = table.tHead.rows[0].cells[column];
  th.click();
  const ascending = inOrder(values(), 1);
  th.click();
  const descending = inOrder(values(), -1);
  const numbers = values().length;
  document.body.dataset.selftest = numbers > 1 && ascending && descending ? "sorted" : "not sorted: " + values().join(" ");
}

// A chart shrunk to fit a narrow window keeps its tooltips where its points are: each image map's areas are scaled
// with the image.
function scaleImageMaps() {
  document.querySelectorAll("img[usemap]").forEach((img) => {
    const map = document.querySelector("map[name='" + img.useMap.slice(1) + "']");
    if (!map || !img.clientWidth) {
      return;
    }
    const scale = img.clientWidth / Number(img.getAttribute("width"));
    map.querySelectorAll("area").forEach((area) => {
      if (area.dataset.coords === undefined) {
        area.dataset.coords = area.coords;
      }
      area.coords = area.dataset.coords.split(",").map((c) => Math.round(Number(c) * scale)).join(",");
    });
  });
}

window.addEventListener("load", scaleImageMaps);
window.addEventListener("resize", scaleImageMaps);

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table.explore").forEach(makeExplorable);
  if (location.hash === "#selftest") {
    selfTest();
  }
});
