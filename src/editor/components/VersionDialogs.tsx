/**
 * The publish and update dialogs (docs/components.md#versions), loaded when one first opens
 * (versionUi.tsx mounts them): their plans and diffs are not on the first load.
 */
import { useMemo, useState } from "react";
import type { VersionBump } from "../../graph/componentEdits";
import { ModalForm } from "../kit/ModalForm";
import { useEditorInstance } from "../store/react";
import {
  BUMP_MEANING,
  applyUpdate,
  planPublish,
  planUpdate,
  publish,
  publishVersion,
  type PublishPlan,
  type ComponentChange,
  type UpdatePlan,
} from "./versions";
import type { VersionUiState } from "./versionUi";

const BUMPS: readonly VersionBump[] = ["patch", "minor", "major"];
const BUMP_NAME: Record<VersionBump, string> = { patch: "Patch", minor: "Minor", major: "Major" };

/** What changed, in two parts: the component itself, and this pipeline's request (Compare's words). */
function ChangeList({ change }: { change: ComponentChange }) {
  const part = (title: string, lines: readonly string[], id: string) => (
    <>
      <h4 className="section">{title}</h4>
      <ul data-testid={id}>
        {lines.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ul>
    </>
  );
  return (
    <div className="version-changes" data-testid="version-changes">
      {part(
        "In the component",
        change.definition.map((c) => c.text),
        "version-definition",
      )}
      {part("In this pipeline’s request to fal", change.requestLines, "version-request")}
    </div>
  );
}

function PublishDialog({ defKey, onClose }: { defKey: string; onClose(): void }) {
  const editor = useEditorInstance();
  // Planned once, when the dialog opens: what it shows is what Publish writes.
  const plan = useMemo(() => planPublish(editor, defKey), [editor, defKey]);
  const [bump, setBump] = useState<VersionBump>(plan.kind === "changed" ? plan.change.suggested : "patch");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const version = publishVersion(plan, bump);
  const submit = async () => {
    if (!version || busy) return;
    setBusy(true);
    const r = await publish(editor, defKey, version);
    setBusy(false);
    if (!r.ok) return setError(`Not published: ${r.reason}.`);
    onClose();
    const title = plan.kind === "new" || plan.kind === "changed" ? plan.def.title : "";
    editor.ui.toast(`Published ${title} ${version} to ${r.file}`, "success");
  };
  return (
    <ModalForm
      title="Publish to library"
      onClose={onClose}
      onSubmit={() => void submit()}
      width={560}
      className="version-dialog"
      testId="publish-dialog"
      error={error}
      cancel={version ? "Cancel" : "Close"}
      foot={
        version && (
          <button type="submit" className="btn primary" disabled={busy} data-testid="publish-submit">
            Publish {version}
          </button>
        )
      }
    >
      <PublishBody plan={plan} bump={bump} setBump={setBump} />
    </ModalForm>
  );
}

function PublishBody({ plan, bump, setBump }: { plan: PublishPlan; bump: VersionBump; setBump(b: VersionBump): void }) {
  if (plan.kind === "missing") return <p>There is nothing to publish: {plan.reason}.</p>;
  const name = (
    <>
      <strong>{plan.def.title}</strong> <span className="muted">({plan.def.id})</span>
    </>
  );
  if (plan.kind === "new")
    return (
      <p>
        {name} is not in the library yet. Publishing writes version {plan.def.version} to {plan.where}; other pipelines
        can then add it from the palette.
      </p>
    );
  if (plan.kind === "same")
    return (
      <p data-testid="publish-unchanged">
        {name} is the same as the library’s version {plan.library.definition.version}: there is nothing new to publish,
        and nothing is written.
      </p>
    );
  const lib = plan.library.definition.version;
  return (
    <>
      <p>
        {name} differs from the library’s version {lib}.
      </p>
      <ChangeList change={plan.change} />
      {plan.behind && (
        <p className="field-msg warning">
          This pipeline’s copy is version {plan.def.version}, older than the library’s {lib}: the new version is made
          from this copy, without what {lib} changed.
        </p>
      )}
      <fieldset className="version-bumps">
        <legend>New version</legend>
        {BUMPS.map((b) => (
          <label key={b} className="version-bump">
            <input type="radio" name="bump" value={b} checked={bump === b} onChange={() => setBump(b)} />
            <span className="bump-name">
              {BUMP_NAME[b]} {publishVersion(plan, b)}
            </span>
            <span className="muted">{BUMP_MEANING[b]}</span>
            {plan.change.suggested === b && <span className="badge suggested">suggested</span>}
          </label>
        ))}
      </fieldset>
    </>
  );
}

function UpdateDialog({ instance, onClose }: { instance: string; onClose(): void }) {
  const editor = useEditorInstance();
  const plan = useMemo(() => planUpdate(editor, instance), [editor, instance]);
  const run = () => {
    const r = applyUpdate(editor, instance);
    onClose();
    if ("reason" in r) return editor.ui.toast(`Cannot update: ${r.reason}`, "error");
    const lost = r.dropped.length ? `; ${r.dropped.length} setting(s) of removed fields dropped` : "";
    const n = r.instances.length;
    editor.ui.toast(
      `Updated ${n} instance${n > 1 ? "s" : ""} of ${r.from.title} to ${r.to.definition.version}${lost}`,
      "success",
      6000,
    );
  };
  return (
    <ModalForm
      title="Update component"
      onClose={onClose}
      onSubmit={run}
      width={560}
      className="version-dialog"
      testId="update-dialog"
      foot={
        !("reason" in plan) && (
          <button type="submit" className="btn primary" data-testid="update-submit">
            {plan.major ? "Update this instance" : "Update"}
          </button>
        )
      }
    >
      {"reason" in plan ? <p>There is nothing to update: {plan.reason}.</p> : <UpdateBody plan={plan} />}
    </ModalForm>
  );
}

function UpdateBody({ plan }: { plan: UpdatePlan }) {
  const label = (param: string) => plan.from.params.find((p) => p.id === param)?.label ?? param;
  const n = plan.instances.length;
  return (
    <>
      <p>
        <strong>{plan.from.title}</strong> {plan.from.version} → {plan.to.definition.version}, a {plan.bump} version{" "}
        <span className="muted">(from {plan.to.file})</span>
      </p>
      <ChangeList change={plan.change} />
      <p data-testid="update-scope">
        {plan.major
          ? `A major version may need rewiring, so only this instance updates; ${plan.staying ? `the other ${plan.staying} keep ${plan.from.version} until you update them, and the file carries both versions meanwhile` : "no other instance uses the old version, which then goes"}.`
          : `${n > 1 ? `All ${n} instances` : "The instance"} of ${plan.from.version} update together, in one undo step.`}
      </p>
      {plan.editedHere && (
        <div className="field-msg warning" data-testid="update-edited">
          This pipeline’s copy of {plan.from.version} was changed here since it was published; updating replaces those
          changes. To keep them, publish them first, or detach this instance.
        </div>
      )}
      {plan.dropped.length > 0 && (
        <div className="field-msg warning" data-testid="update-dropped">
          {plan.to.definition.version} no longer shows these fields, so their settings go:{" "}
          {plan.dropped.map((d) => `${label(d.param)} = ${JSON.stringify(d.value)} (on ${d.instance})`).join("; ")}
        </div>
      )}
    </>
  );
}

export default function VersionDialogs({
  ui,
  close,
}: {
  ui: VersionUiState;
  close(which: keyof VersionUiState): void;
}) {
  return (
    <>
      {ui.publish && <PublishDialog defKey={ui.publish} onClose={() => close("publish")} />}
      {ui.update && <UpdateDialog instance={ui.update} onClose={() => close("update")} />}
    </>
  );
}
