/* Find a claim (scorecard.html.j2): search, filters, sorting and the verdict tiles, on the
   claim boxes already on the page. Nothing is fetched; without this script the form stays
   hidden and every claim shows. */
(function () {
  "use strict";
  var form = document.getElementById("finder");
  var list = document.getElementById("claim-list");
  if (!form || !list) { return; }
  var boxes = Array.prototype.slice.call(list.children);
  var words = boxes.map(function (b) { return b.textContent.toLowerCase(); });
  var status = document.getElementById("finder-status");
  var none = document.getElementById("no-match");
  var filters = ["article", "verdict", "family", "robustness"];
  var orders = {
    verdict: function (b) { return [+b.dataset.rank, b.id]; },
    article: function (b) { return [b.dataset.article, +b.dataset.rank, b.id]; },
    date: function (b) { return [b.dataset.asOf, +b.dataset.rank, b.id]; },
    family: function (b) { return [b.dataset.family, +b.dataset.rank, b.id]; },
    id: function (b) { return [b.id]; }
  };

  function compare(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) { return -1; }
      if (a[i] > b[i]) { return 1; }
    }
    return 0;
  }

  function apply() {
    var wanted = form.q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    boxes.forEach(function (box, i) {
      var match = filters.every(function (key) {
        return !form[key].value || box.dataset[key] === form[key].value;
      }) && wanted.every(function (w) { return words[i].indexOf(w) >= 0; });
      box.hidden = !match;
      shown += match ? 1 : 0;
    });
    var key = orders[form.sort.value];
    boxes.slice().sort(function (a, b) { return compare(key(a), key(b)); })
      .forEach(function (box) { list.appendChild(box); });
    status.textContent = shown === boxes.length ? boxes.length + " claims."
      : shown + " of " + boxes.length + " claims match.";
    none.hidden = shown > 0;
  }

  function showAll() { form.reset(); apply(); }

  function reveal() {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.hidden) { showAll(); target.scrollIntoView(); }
  }

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-verdict]"), function (tile) {
    tile.addEventListener("click", function () {
      form.reset();
      form.verdict.value = tile.dataset.filterVerdict;
      apply();
    });
  });
  window.addEventListener("hashchange", reveal);
  apply();
}());
