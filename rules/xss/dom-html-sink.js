import DOMPurify from "dompurify";
import { marked } from "marked";
import spinner from "./spinner.svg?raw";

const ICONS = { check: "<svg>check</svg>" };

function show(el, comment, params, $) {
  // ruleid: dom-html-sink
  el.innerHTML = comment.body;
  // ruleid: dom-html-sink
  el.innerHTML += comment.reply;
  // ruleid: dom-html-sink
  el.insertAdjacentHTML("beforeend", "<li>" + comment.body + "</li>");
  // ruleid: dom-html-sink
  document.write(location.hash);
  // ruleid: dom-html-sink
  $("#out").html(comment.body);
  // ruleid: dom-html-sink
  $(el).after(`<p>${comment.body}</p>`);
  // ruleid: dom-html-sink
  frame.srcdoc = params.get("doc");
  // ruleid: dom-html-sink
  document.createRange().createContextualFragment(comment.body);
  // ok: dom-html-sink
  el.innerHTML = "";
  // ok: dom-html-sink
  el.innerHTML = DOMPurify.sanitize(comment.body);
  // ok: dom-html-sink
  el.textContent = comment.body;
  // ok: dom-html-sink
  $("#out").html("<b>static</b>");
  // ok: dom-html-sink
  $("#out").text(comment.body);
  // ok: dom-html-sink
  el.append(node);
}

function flows(el, comment, source, sanitizer) {
  const clean = DOMPurify.sanitize(comment.body);
  // ok: dom-html-sink
  el.innerHTML = clean;
  const safeRow = "<li>" + escapeHtml(comment.title) + "</li>";
  // ok: dom-html-sink
  el.innerHTML = safeRow;
  const row = "<li>" + comment.title + "</li>";
  // ruleid: dom-html-sink
  el.innerHTML = row;
  // ruleid: dom-html-sink
  el.innerHTML = marked(source);
  const label = "<b>Saved</b>";
  // ok: dom-html-sink
  el.innerHTML = `<p>${label}</p>`;
  // ok: dom-html-sink
  el.innerHTML = ICONS.check;
  const count = comment.replies.length;
  // ok: dom-html-sink
  el.innerHTML = `<span>${count}</span>`;
  const li = document.createElement("li");
  // ok: dom-html-sink
  $(".list").append(li);
  // ruleid: dom-html-sink
  $(".list").append("<li>" + comment.title + "</li>");
  // ruleid: dom-html-sink
  return sanitizer.bypassSecurityTrustHtml(comment.body);
}

class Widget {
  render() {
    // ruleid: dom-html-sink
    this.el.innerHTML = this.props.html;
    // ok: dom-html-sink
    this.el.innerHTML = DOMPurify.sanitize(this.props.html);
  }
}

const arrow = (el, text) => {
  // ruleid: dom-html-sink
  el.innerHTML = text;
};

export function showSpinner(el, source) {
  // ok: dom-html-sink
  el.innerHTML = spinner;
  // ok: dom-html-sink
  el.innerHTML = Prism.highlight(source, Prism.languages.js, "js");
  // ruleid: dom-html-sink
  el.innerHTML = `<code>${source}</code>`;
}

export function cloneRow(list, row) {
  // ok: dom-html-sink
  list.innerHTML = document.getElementById("row-template").innerHTML;
  // ok: dom-html-sink
  list.innerHTML += row.outerHTML;
  // ruleid: dom-html-sink
  list.innerHTML += row.textContent;
}
