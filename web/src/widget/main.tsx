import { render } from 'preact';
import { Chat } from './chat';
import { WIDGET_CSS } from './styles';
import { textsFor } from './texts';
import { Widget } from './widget';

/**
 * Entry of /widget.js: `<script src=".../widget.js" data-widget-key="wk_..." async></script>`.
 * The service is where the script came from; the widget lives in an open shadow root of its
 * own element, so the page's styles and the widget's do not meet.
 */
function mount(): void {
  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>('script[data-widget-key]');
  const widgetKey = script?.dataset.widgetKey;
  if (!script || !widgetKey) {
    console.error('Switchboard widget: the script tag needs a data-widget-key attribute');
    return;
  }
  const serviceOrigin = new URL(script.src, location.href).origin;
  const start = () => {
    // A tag of its own, reset inline: the page's rules for div, *, and so on do not reach it.
    const host = document.createElement('switchboard-widget');
    host.id = 'switchboard-widget';
    host.setAttribute('style', 'all: initial !important;');
    document.body.appendChild(host);
    const shadow = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = WIDGET_CSS;
    shadow.appendChild(style);
    const locale = navigator.language || 'en';
    const chat = new Chat(serviceOrigin, widgetKey, locale);
    render(<Widget chat={chat} texts={textsFor(locale)} />, shadow);
    chat.start().catch((error: unknown) => {
      console.error('Switchboard widget could not start', error);
    });
  };
  if (document.body) {
    start();
  } else {
    document.addEventListener('DOMContentLoaded', start, { once: true });
  }
}

mount();
