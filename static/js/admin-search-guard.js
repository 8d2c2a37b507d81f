// The admin's search box is a GET form: what is typed lands in the address, the
// browser's history and the server's access log. An ID or bank number must not
// (issue 14): such a text is not sent; the user is pointed to the customer list's
// search box, which posts it and logs the lookup. Mirrors
// customers.selectors.reads_as_s3 (the server refuses it as well).
// Loaded in the admin's <head> (ModelAdmin.Media): wait for the form to exist.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var form = document.getElementById("changelist-search");
  if (!form) { return; }
  var english = (document.documentElement.lang || "").toLowerCase().indexOf("en") === 0;
  var message = english
    ? "ID and bank numbers are looked up in the customer list's search box (the lookup is logged), never here."
    : "身份证件号码和银行账号请在客户列表的搜索框中查询（查询会记入访问日志），不能在这里搜索。";
  function readsAsNumber(text) {
    var code = text.replace(/[\s\-\u3000]/g, "").toUpperCase();
    if (!/^[0-9A-Z]+$/.test(code) || /^KH\d{0,12}$/.test(code)) { return false; }
    if (/^(86|0086)?1\d{10}$/.test(code.replace(/^\+/, ""))) { return false; }  // a mobile number
    return (code.match(/\d/g) || []).length >= 5;
  }
  form.addEventListener("submit", function (event) {
    var box = form.querySelector("input[name=q]");
    if (!box || !readsAsNumber(box.value)) { return; }
    event.preventDefault();
    var note = document.getElementById("search-guard-note");
    if (!note) {
      note = document.createElement("p");
      note.id = "search-guard-note";
      note.className = "errornote";
      form.appendChild(note);
    }
    note.textContent = message;
  });
});
