// "Show full number": POST to the reveal URL and put the value in place of the
// masked one. The server logs each reveal; nothing is cached or stored here.
(function () {
  "use strict";
  document.querySelectorAll("form[data-reveal]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var error = form.querySelector(".reveal-error");
      error.textContent = "";
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      })
        .then(function (response) {
          return response.json().then(function (data) {
            return { ok: response.ok, data: data };
          });
        })
        .then(function (result) {
          if (!result.ok) {
            error.textContent = result.data.error || "";
            return;
          }
          var shown = form.parentNode.querySelector("[data-testid^=value-]");
          shown.textContent = result.data.value;
          shown.classList.add("revealed");
          form.remove();
        })
        .catch(function () {
          error.textContent = form.getAttribute("data-failed") || "—";
        });
    });
  });
})();
