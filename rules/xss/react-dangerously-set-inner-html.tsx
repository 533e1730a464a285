import DOMPurify from "dompurify";

export function Raw({ body }: { body: string }) {
  // ruleid: react-dangerously-set-inner-html
  return <p className="c" dangerouslySetInnerHTML={{ __html: body }} />;
}

export function ViaObject({ html }: { html: string }) {
  const markup = { __html: html };
  // ruleid: react-dangerously-set-inner-html
  return <div dangerouslySetInnerHTML={markup} />;
}

export function Sanitised({ body }: { body: string }) {
  // ok: react-dangerously-set-inner-html
  return <p dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(body) }} />;
}

export function Constant() {
  // ok: react-dangerously-set-inner-html
  return <p dangerouslySetInnerHTML={{ __html: "<b>static</b>" }} />;
}
