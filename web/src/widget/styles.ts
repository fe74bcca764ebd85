/**
 * The widget's whole style, inside its shadow root: the host page's CSS does not reach it, and
 * `all: initial` on the host stops inherited properties (font, colour, line height) leaking in.
 */
export const WIDGET_CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.root { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; }
.launcher { width: 56px; height: 56px; border-radius: 50%; border: none; cursor: pointer;
  background: #2457c5; color: #fff; box-shadow: 0 4px 14px rgba(0,0,0,.25); display: flex;
  align-items: center; justify-content: center; margin-left: auto; }
.launcher:hover { background: #1c47a3; }
.launcher svg { width: 26px; height: 26px; fill: currentColor; }
.panel { width: 340px; height: 480px; max-height: calc(100vh - 110px); margin-bottom: 12px;
  background: #fff; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.22);
  display: flex; flex-direction: column; overflow: hidden; }
.header { background: #2457c5; color: #fff; padding: 12px 14px; font-weight: 600; }
.banner { background: #e7f6ec; color: #14632f; padding: 6px 14px; font-size: 13px;
  border-bottom: 1px solid #c9ebd3; }
.status { background: #fff4d6; color: #6b4e00; padding: 4px 14px; font-size: 12px; }
.messages { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column;
  gap: 8px; background: #f6f7f9; }
.bubble { max-width: 80%; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap;
  word-wrap: break-word; }
.msg { display: flex; flex-direction: column; }
.msg.END_USER { align-items: flex-end; }
.msg.END_USER .bubble { background: #2457c5; color: #fff; border-bottom-right-radius: 4px; }
.msg.BOT .bubble, .msg.AGENT .bubble { background: #fff; border: 1px solid #e1e4e8;
  border-bottom-left-radius: 4px; }
.msg.SYSTEM { align-items: center; }
.msg.SYSTEM .notice { font-size: 12px; color: #6a737d; text-align: center; }
.operator { display: flex; align-items: center; gap: 6px; margin: 0 0 3px 2px; font-size: 12px;
  color: #57606a; font-weight: 600; }
.operator img { width: 22px; height: 22px; border-radius: 50%; object-fit: cover; }
.pending .bubble { opacity: .65; }
.meta { font-size: 11px; color: #8b949e; margin-top: 2px; }
.meta.failed { color: #b42318; }
form { display: flex; gap: 6px; padding: 10px; border-top: 1px solid #e1e4e8; background: #fff; }
textarea { flex: 1; resize: none; height: 38px; padding: 8px 10px; border: 1px solid #d0d7de;
  border-radius: 8px; font: inherit; color: inherit; }
textarea:focus { outline: 2px solid #9db7f0; border-color: #2457c5; }
.send { border: none; border-radius: 8px; padding: 0 14px; background: #2457c5; color: #fff;
  font: inherit; font-weight: 600; cursor: pointer; }
.send:disabled { background: #9aa9c9; cursor: default; }
`;
