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
