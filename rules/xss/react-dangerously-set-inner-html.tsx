import DOMPurify from "dompurify";
import hljs from "highlight.js";
import logo from "./logo.svg?raw";
import notice from "./notice.html";
import content from "./cms-client";

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

const FOOTER = "<small>&copy; VeroField</small>";

export function Footer() {
  // ok: react-dangerously-set-inner-html
  return <footer dangerouslySetInnerHTML={{ __html: FOOTER }} />;
}

export function Cleaned({ html }: { html: string }) {
  const clean = DOMPurify.sanitize(html);
  // ok: react-dangerously-set-inner-html
  return <div dangerouslySetInnerHTML={{ __html: clean }} />;
}

export function Markdown({ source }: { source: string }) {
  const rendered = marked(source);
  // ruleid: react-dangerously-set-inner-html
  return <article dangerouslySetInnerHTML={{ __html: rendered }} />;
}

export function Wrapped(props: { title: string }) {
  // ruleid: react-dangerously-set-inner-html
  return <h1 dangerouslySetInnerHTML={{ __html: `<b>${props.title}</b>` }} />;
}

export function JsonLd({ data }: { data: object }) {
  // ok: react-dangerously-set-inner-html
  return <script dangerouslySetInnerHTML={{ __html: "{}" }} />;
}

export function Logo() {
  // ok: react-dangerously-set-inner-html
  return <span dangerouslySetInnerHTML={{ __html: logo }} />;
}

export function Notice() {
  // ok: react-dangerously-set-inner-html
  return <aside dangerouslySetInnerHTML={{ __html: notice }} />;
}

export function FromAModule() {
  // ruleid: react-dangerously-set-inner-html
  return <main dangerouslySetInnerHTML={{ __html: content.body }} />;
}

export function Code({ code, language }: { code: string; language: string }) {
  // ok: react-dangerously-set-inner-html
  return <pre dangerouslySetInnerHTML={{ __html: hljs.highlight(code, { language }).value }} />;
}
