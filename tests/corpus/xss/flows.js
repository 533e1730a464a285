import DOMPurify from "dompurify";

const SPINNER = "<span class='spinner'></span>";

export function show(el, comment, $) {
  const clean = DOMPurify.sanitize(comment.body);
  // ok: xss_vulnerability
  el.innerHTML = clean;
  // ok: xss_vulnerability
  el.innerHTML = SPINNER;
  const item = document.createElement("li");
  // ok: xss_vulnerability
  $("#list").append(item);
  const row = "<li>" + comment.author + "</li>";
  // expect: xss_vulnerability
  el.innerHTML = row;
}

export function render(container, message) {
  // expect: xss_vulnerability
  container.innerHTML = `<p class="msg">${message}</p>`;
}

export class Banner {
  constructor(sanitizer) {
    this.sanitizer = sanitizer;
  }

  trusted(html) {
    // expect: xss_vulnerability
    return this.sanitizer.bypassSecurityTrustHtml(html);
  }
}
