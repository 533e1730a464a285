export function render(el, comment, params, $) {
  // expect: xss_vulnerability
  el.innerHTML = comment.body;
  // expect: xss_vulnerability
  el.outerHTML = "<div>" + comment.body + "</div>";
  // expect: xss_vulnerability
  el.insertAdjacentHTML("beforeend", `<li>${comment.author}</li>`);
  // expect: xss_vulnerability
  document.write(location.hash.slice(1));
  // expect: xss_vulnerability
  document.writeln(params.get("q"));
  // expect: xss_vulnerability
  $("#out").html(comment.body);
  // expect: xss_vulnerability
  $(".list").append("<li>" + comment.title + "</li>");
  // expect: xss_vulnerability
  document.getElementById("msg").innerHTML = params.get("message");
  // expect: xss_vulnerability
  el.innerHTML += comment.reply;
  const frag = document.createElement("div");
  // expect: xss_vulnerability
  frag.innerHTML = window.name;
  // expect: xss_vulnerability
  $(el).prepend(comment.body);
  // expect: xss_vulnerability
  $(el).after(`<p>${comment.body}</p>`);
  const frame = document.createElement("iframe");
  // expect: xss_vulnerability
  frame.srcdoc = comment.body;
  // expect: xss_vulnerability
  const part = document.createRange().createContextualFragment(comment.body);
  // expect: xss_vulnerability
  document.body.innerHTML = "<p>" + params.get("msg") + "</p>";
  // expect: xss_vulnerability
  $("#old").replaceWith(comment.body);
  el.append(part);
  // ok: xss_vulnerability
  el.textContent = comment.body;
  // ok: xss_vulnerability
  el.innerHTML = "";
  // ok: xss_vulnerability
  el.innerHTML = DOMPurify.sanitize(comment.body);
  // ok: xss_vulnerability
  $("#out").text(comment.body);
  // ok: xss_vulnerability
  const current = el.innerHTML;
  // ok: xss_vulnerability
  $("#out").html("<b>loading</b>");
  return current;
}
