import DOMPurify from "dompurify";
import { marked } from "marked";

export function Comment({ body }: { body: string }) {
  // expect: xss_vulnerability
  return <div className="comment" dangerouslySetInnerHTML={{ __html: body }} />;
}

export function Bio({ user }: { user: { bio: string } }) {
  // expect: xss_vulnerability
  return <section dangerouslySetInnerHTML={{ __html: user.bio }} />;
}

export function Markdown({ source }: { source: string }) {
  // expect: xss_vulnerability
  return <article dangerouslySetInnerHTML={{ __html: marked(source) }} />;
}

export function Preview({ html }: { html: string }) {
  const markup = { __html: html };
  // expect: xss_vulnerability
  return <div dangerouslySetInnerHTML={markup} />;
}

export function Title({ title }: { title: string }) {
  // expect: xss_vulnerability
  return <h1 dangerouslySetInnerHTML={{ __html: `<b>${title}</b>` }} />;
}

export function Safe({ body }: { body: string }) {
  // ok: xss_vulnerability
  return <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(body) }} />;
}

export function Static() {
  // ok: xss_vulnerability
  return <div dangerouslySetInnerHTML={{ __html: "<hr/>" }} />;
}

export function Text({ body }: { body: string }) {
  // ok: xss_vulnerability
  return <div>{body}</div>;
}
