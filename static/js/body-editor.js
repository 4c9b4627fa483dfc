// The change page's body editor: the gutter follows the text's scrolling and its line count, a
// finding's link selects its line, and Preview posts the text to the server's renderer in place.
(function () {
  "use strict";
  var editor = document.querySelector("[data-body-editor]");
  if (!editor) { return; }
  var text = editor.querySelector("[data-body-text]");
  var gutter = editor.querySelector("[data-body-gutter]");
  var marked = {};
  Array.prototype.forEach.call(gutter.children, function (line) {
    if (line.classList.contains("has-finding")) { marked[line.textContent] = line.cloneNode(true); }
  });

  function renumber() {
    var count = text.value.split("\n").length;
    for (var n in marked) { if (Number(n) > count) { count = Number(n); } }
    while (gutter.children.length > count) { gutter.removeChild(gutter.lastChild); }
    for (var i = gutter.children.length + 1; i <= count; i++) {
      var line = marked[String(i)] ? marked[String(i)].cloneNode(true) : document.createElement("span");
      if (!marked[String(i)]) { line.id = "body-line-" + i; line.textContent = String(i); }
      gutter.appendChild(line);
    }
    follow();
  }
  function follow() { gutter.scrollTop = text.scrollTop; }

  function selectLine(number) {
    var lines = text.value.split("\n");
    var start = 0;
    for (var i = 0; i < number - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    var end = start + (lines[number - 1] || "").length;
    text.focus();
    text.setSelectionRange(start, end);
    var height = parseFloat(window.getComputedStyle(text).lineHeight) || 20;
    text.scrollTop = Math.max(0, (number - 3) * height);
    follow();
    Array.prototype.forEach.call(gutter.querySelectorAll(".current-line"), function (el) { el.classList.remove("current-line"); });
    var target = document.getElementById("body-line-" + number);
    if (target) { target.classList.add("current-line"); }
  }

  text.addEventListener("scroll", follow);
  text.addEventListener("input", renumber);
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-body-line]");
    if (!link) { return; }
    event.preventDefault();
    editor.scrollIntoView({block: "nearest"});
    selectLine(Number(link.getAttribute("data-body-line")));
  });

  var button = document.querySelector("[data-preview-url]");
  var panel = document.getElementById("body-preview");
  if (!button || !panel || !window.fetch) { return; }
  button.addEventListener("click", function (event) {
    event.preventDefault();
    var form = button.form;
    var data = new FormData();
    ["csrfmiddlewaretoken", "title", "summary", "body"].forEach(function (name) {
      if (form.elements[name]) { data.append(name, form.elements[name].value); }
    });
    button.disabled = true;
    fetch(button.getAttribute("data-preview-url"), {method: "POST", body: data, credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) { panel.innerHTML = html; panel.hidden = false; panel.scrollIntoView({block: "start"}); })
      .catch(function () { panel.textContent = "The preview could not be loaded; press Save and view the article instead."; panel.hidden = false; })
      .finally(function () { button.disabled = false; });
  });
}());
