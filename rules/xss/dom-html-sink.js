function show(el, comment, $) {
  // ruleid: dom-html-sink
  el.innerHTML = comment.body;
  // ruleid: dom-html-sink
  el.insertAdjacentHTML("beforeend", "<li>" + comment.body + "</li>");
  // ruleid: dom-html-sink
  document.write(location.hash);
  // ruleid: dom-html-sink
  $("#out").html(comment.body);
  // ok: dom-html-sink
  el.innerHTML = "";
  // ok: dom-html-sink
  el.innerHTML = DOMPurify.sanitize(comment.body);
  // ok: dom-html-sink
  el.textContent = comment.body;
  // ok: dom-html-sink
  $("#out").html("<b>static</b>");
}
