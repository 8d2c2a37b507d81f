// Behaviour of the layout on every page, kept out of the HTML so the
// Content-Security-Policy can forbid inline script.
(function () {
  "use strict";
  // A <select data-autosubmit> (the language switch) submits its form when changed.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Bars whose width is data (an import's progress): set through the CSSOM, which
  // the policy allows, instead of a style attribute, which it does not.
  document.querySelectorAll("[data-percent]").forEach(function (bar) {
    bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.percent) || 0)) + "%";
  });
})();
