/**
 * The run feature's dialogs: proxy settings, the question about a link's foreign proxy, and the
 * offer to reuse an identical finished request. Loaded when first opened (RunMount), not with
 * the first paint.
 */
import { useState } from "react";
import { Modal } from "../kit/Modal";
import { answerCacheOffer, proxyInfo, useRunUiApi, useRunUi } from "./actions";
import { answerProxyConsent, setProxyUrl, useRuntime } from "./runtime";
import { useEditorInstance } from "../store/react";
import { DEFAULT_PROXY_URL, foreignOrigin, proxyLabel, proxyUrlProblem } from "./settings";
import { formatDuration } from "./format";
import { loadBatchCap, MAX_BATCH_CAP, parseBatchCap, saveBatchCap } from "./batchCap";

/** The batch cap: saved as it is typed, whenever it is a valid number. */
function BatchCapField() {
  const [text, setText] = useState(() => String(loadBatchCap()));
  const valid = parseBatchCap(text) !== null;
  return (
    <>
      <label className="col gap4">
        <span>Ask before a batch of more than … requests</span>
        <input
          className="input"
          inputMode="numeric"
          aria-label="Batch cap"
          value={text}
          aria-invalid={!valid || undefined}
          onChange={(e) => {
            setText(e.target.value);
            const cap = parseBatchCap(e.target.value);
            if (cap !== null) saveBatchCap(cap);
          }}
        />
      </label>
      {!valid && <span className="field-msg error">a whole number from 1 to {MAX_BATCH_CAP.toLocaleString("en")}</span>}
      <p className="muted small">
        A larger batch asks for a yes, naming its number of requests (the command line&apos;s <code>--cap</code> and{" "}
        <code>--yes</code>).
      </p>
    </>
  );
}

export function SettingsDialog() {
  const editor = useEditorInstance();
  const runUi = useRunUiApi();
  const info = proxyInfo(editor);
  const [value, setValue] = useState(info.source === "default" ? "" : info.url);
  const [saved, setSaved] = useState(false);
  const problem = value.trim() === "" ? null : proxyUrlProblem(value);
  return (
    <Modal title="Settings" onClose={() => runUi.set({ settings: false })} width={520}>
      <label className="col gap4">
        <span>fal proxy URL</span>
        <input
          className="input mono"
          value={value}
          placeholder={DEFAULT_PROXY_URL}
          spellCheck={false}
          aria-invalid={!!problem || undefined}
          onChange={(e) => {
            setValue(e.target.value);
            setSaved(false);
          }}
        />
      </label>
      {problem && <span className="field-msg error">{problem}</span>}
      <p className="muted small">
        Any server that speaks the fal proxy protocol (it holds the FAL_KEY; this page never does). Empty means this
        server's {DEFAULT_PROXY_URL}. In use now: <code>{info.url}</code>
        {info.source === "query" ? " (from ?proxy= in the address, which overrides this setting)" : ""}.
      </p>
      <BatchCapField />
      <div className="modal-foot">
        {info.source === "query" && (
          <button className="btn" onClick={() => stopUsingLinkProxy()}>
            Stop using {proxyLabel(info.url)}
          </button>
        )}
        {saved && <span className="muted small">Saved; reload to use it.</span>}
        {saved && (
          <button className="btn" onClick={() => location.reload()}>
            Reload now
          </button>
        )}
        <button
          className="btn primary"
          disabled={!!problem}
          onClick={() => {
            setProxyUrl(value);
            setSaved(true);
          }}
        >
          Save
        </button>
      </div>
    </Modal>
  );
}

/** Drops `?proxy=` from the address and starts again with the proxy the settings give. */
function stopUsingLinkProxy() {
  const address = new URL(location.href);
  address.searchParams.delete("proxy");
  location.replace(address);
}

/**
 * Asked before anything is sent when the page was opened with `?proxy=` on another origin: that
 * server would receive every prompt, request and uploaded image. The safe answer is the default
 * (focused first, and what Escape or a click outside gives).
 */
export function ProxyConsent({ url }: { url: string }) {
  const runtime = useRuntime();
  const origin = foreignOrigin(url) ?? url;
  const host = proxyLabel(url);
  const plain = origin.startsWith("http:") && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(origin);
  return (
    <Modal title="Send your runs to another server?" onClose={() => answerProxyConsent(runtime, false)} width={540}>
      <div data-testid="proxy-consent" className="col gap8">
        <p>
          The link you opened asks lora-graph to send everything you run to <strong className="mono">{host}</strong>{" "}
          instead of this server: your prompts, the full request, and any image you upload, with its file name.
        </p>
        <p className="muted small">
          Proxy URL: <code>{url}</code>
          {plain ? " (plain http: anyone on the network path can read it too)" : ""}. Use it only if you know and trust
          whoever runs {host}. Nothing has been sent to it.
        </p>
      </div>
      <div className="modal-foot">
        <button className="btn primary" onClick={() => answerProxyConsent(runtime, false)}>
          Keep this server
        </button>
        <button className="btn" onClick={() => answerProxyConsent(runtime, true)}>
          Use {host}
        </button>
      </div>
    </Modal>
  );
}

export function CacheOffer() {
  const editor = useEditorInstance();
  const offer = useRunUi((s) => s.cacheOffer);
  if (!offer) return null;
  const c = offer.cached;
  return (
    <Modal title="Same request already ran" onClose={() => answerCacheOffer(editor, true)} width={460}>
      <p>
        An identical request with the same fixed seed ({String(offer.job.input.seed)}) finished{" "}
        {new Date(c.finishedAt ?? c.createdAt).toLocaleString()}
        {c.finishedAt ? ` in ${formatDuration(c.finishedAt - c.createdAt)}` : ""}. Use its {c.images.length} image
        {c.images.length === 1 ? "" : "s"} instead of paying for the same result again?
      </p>
      <div className="modal-foot">
        <button className="btn" onClick={() => answerCacheOffer(editor, false)}>
          Run again
        </button>
        <button className="btn primary" onClick={() => answerCacheOffer(editor, true)}>
          Use cached result
        </button>
      </div>
    </Modal>
  );
}
