// Rich-text editing of an announcement's body, enhanced: the <textarea data-rich-editor> the
// server renders (HTML typed by hand, which works without JavaScript) gets a formatting
// toolbar and an editable view. The textarea stays in the form and carries what is posted;
// the server sanitises it either way (core/richtext.py), so nothing here is trusted.
// No editor library: Debian ships none and the build installs from Debian and PyPI only;
// the browser's own editing commands cover the tags the sanitiser keeps.
(function () {
  "use strict";
  if (window.sunshineRichEditor) return;
  window.sunshineRichEditor = true;
  var TABLE =
    "<table><thead><tr><th>序号</th><th>名称</th><th>数量</th></tr></thead>" +
    "<tbody><tr><td>1</td><td></td><td></td></tr></tbody></table><p></p>";

  // What the server echoes back into the textarea (a refused form) is not sanitised yet, and
  // assigning it to innerHTML of a live element would run its handlers (<img onerror>). It is
  // parsed into an inert document instead, stripped of what runs, then moved in.
  var DROPPED = "script,style,iframe,frame,frameset,object,embed,applet,link,meta,base,noscript";
  var URL_ATTRIBUTES = ["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"];

  function inert(html) {
    var doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    Array.prototype.forEach.call(doc.body.querySelectorAll(DROPPED), function (node) {
      node.remove();
    });
    Array.prototype.forEach.call(doc.body.querySelectorAll("*"), function (node) {
      Array.prototype.slice.call(node.attributes).forEach(function (attribute) {
        var name = attribute.name.toLowerCase();
        // Browsers ignore control characters and spaces inside a URL's scheme.
        var value = attribute.value.replace(/[\u0000-\u0020\u007f]+/g, "").toLowerCase();
        if (
          name.indexOf("on") === 0 ||
          name === "srcdoc" ||
          (URL_ATTRIBUTES.indexOf(name) >= 0 && /^(javascript|vbscript|data):/.test(value))
        ) {
          node.removeAttribute(attribute.name);
        }
      });
    });
    return doc.body;
  }

  function show(view, html) {
    var body = inert(html);
    view.textContent = "";
    while (body.firstChild) view.appendChild(body.firstChild);
  }

  function button(label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("mousedown", function (event) { event.preventDefault(); });
    b.addEventListener("click", action);
    return b;
  }

  function enhance(area) {
    var labels = JSON.parse(area.getAttribute("data-labels") || "{}");
    var view = document.createElement("div");
    view.className = "rich-editor";
    view.contentEditable = "true";
    view.setAttribute("role", "textbox");
    view.setAttribute("aria-multiline", "true");
    view.setAttribute("aria-labelledby", area.id + "-label");
    show(view, area.value);
    var label = document.querySelector('label[for="' + area.id + '"]');
    if (label) label.id = area.id + "-label";
    var sync = function () { area.value = view.innerHTML; };
    var run = function (command, value) {
      return function () {
        view.focus();
        document.execCommand(command, false, value);
        sync();
      };
    };
    var bar = document.createElement("div");
    bar.className = "rich-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.append(
      button(labels.bold, run("bold")),
      button(labels.heading, run("formatBlock", "h3")),
      button(labels.paragraph, run("formatBlock", "p")),
      button(labels.list, run("insertUnorderedList")),
      button(labels.numbered, run("insertOrderedList")),
      button(labels.table, run("insertHTML", TABLE)),
      button(labels.link, function () {
        var href = window.prompt(labels.link_prompt, "https://");
        if (href && /^(https?:\/\/|mailto:)/i.test(href)) run("createLink", href)();
      }),
      button(labels.source, function () {
        var showing = !area.hidden;
        if (showing) show(view, area.value);
        else sync();
        area.hidden = showing;
        view.hidden = !showing;
      })
    );
    // The hidden textarea can no longer be focused, so the browser's own "required" check
    // would block the form without saying where: the server says it instead.
    area.required = false;
    area.hidden = true;
    area.parentNode.insertBefore(bar, area);
    area.parentNode.insertBefore(view, area);
    view.addEventListener("input", sync);
    if (area.form) area.form.addEventListener("submit", function () { if (area.hidden) sync(); });
    document.execCommand("defaultParagraphSeparator", false, "p");
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-rich-editor]"), enhance);
  });
})();
