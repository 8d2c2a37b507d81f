// While an import job runs, poll its counters and reload the page when it changes state.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box || box.dataset.running !== "1") return;
  var bar = box.querySelector(".progress > div");
  var progress = box.querySelector(".progress");
  var first = null;
  function poll() {
    fetch(box.dataset.jobStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (bar) { bar.style.width = s.percent + "%"; progress.setAttribute("aria-valuenow", s.percent); }
        if (first === null) first = s.status;
        if (!s.running || s.status !== first) { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
