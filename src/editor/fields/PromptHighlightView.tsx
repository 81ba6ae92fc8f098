/**
 * A prompt text area that shows how Compel reads it: a highlight layer under a transparent
 * textarea colours the syntax and tints each phrase by its weight, and chips below list every
 * weighted phrase with its effective weight. Used only while Prompt weighting is on, so it and
 * the prompt parser load on demand (see PromptHighlight.tsx).
 */
import { useMemo, useRef } from "react";
import { analyzePromptWeights, type PromptSegment, type PromptWeightAnalysis } from "../../teach/promptWeights";
import { textOrUnset, type FieldProps } from "./types";
import { snapToWholeLines } from "./PlainTextArea";
import "./promptWeights.css";

const MAX_CHIPS = 12;

export function weightClass(s: PromptSegment): string {
  if (s.kind === "syntax") return "pw-syntax";
  if (s.kind === "literal") return "pw-literal";
  if (s.weight > 1.0001) return s.weight >= 1.4 ? "pw-up pw-strong" : "pw-up";
  if (s.weight < 0.9999) return s.weight <= 0.6 ? "pw-down pw-strong" : "pw-down";
  return "";
}

const fmtWeight = (w: number) => String(Number(w.toFixed(3)));

/** The weighted phrases, merged with their neighbours of the same weight and clause. */
export function weightedPhrases(a: PromptWeightAnalysis): { text: string; weight: number; clause?: number }[] {
  const out: { text: string; weight: number; clause?: number }[] = [];
  for (const s of a.segments) {
    if (s.kind !== "text" || Math.abs(s.weight - 1) < 1e-4) continue;
    const text = s.text.trim().replace(/^[\s,"]+|[\s,"]+$/g, "");
    if (!text) continue;
    out.push({ text, weight: s.weight, clause: s.clause });
  }
  return out;
}

export function PromptWeightChips({ analysis, compact }: { analysis: PromptWeightAnalysis; compact?: boolean }) {
  const phrases = weightedPhrases(analysis);
  const limit = compact ? 6 : MAX_CHIPS;
  // The compiler already warns about A1111 syntax on this field; in the node there is no room for more.
  const problems = compact ? [] : analysis.problems.filter((p) => !/A1111/.test(p));
  if (!phrases.length && !analysis.combine && !problems.length) return null;
  return (
    <div className="pw-chips" data-prompt-chips>
      {analysis.combine && (
        <span className="pw-chip combine" data-prompt-chip="combine">
          {analysis.combine.kind === "and" ? ".and()" : ".blend()"} of {analysis.combine.weights.length} ·{" "}
          {analysis.combine.weights.map(fmtWeight).join(" / ")}
        </span>
      )}
      {phrases.slice(0, limit).map((p, i) => (
        <span
          key={i}
          className={`pw-chip ${p.weight > 1 ? "up" : "down"}`}
          data-prompt-chip={p.text}
          data-weight={fmtWeight(p.weight)}
          title={`Compel multiplies the attention to “${p.text}” by ${fmtWeight(p.weight)}`}
        >
          <span className="pw-chip-text">{p.text}</span>
          <b>×{fmtWeight(p.weight)}</b>
        </span>
      ))}
      {phrases.length > limit && <span className="pw-chip more">+{phrases.length - limit} more</span>}
      {problems.map((p, i) => (
        <div key={`p${i}`} className="field-msg warning pw-problem">
          {p}
        </div>
      ))}
    </div>
  );
}

export function WeightedTextArea({ spec, value, onChange, id, invalid, compact }: FieldProps<string>) {
  const text = value ?? "";
  const analysis = useMemo(() => analyzePromptWeights(text), [text]);
  const backRef = useRef<HTMLDivElement>(null);
  return (
    <div className="pw" data-prompt-weighting>
      <div className="pw-box">
        <div className="input textarea pw-back" aria-hidden="true" ref={backRef}>
          {analysis.segments.map((s, i) => (
            <span key={i} className={weightClass(s)} data-kind={s.kind} data-weight={fmtWeight(s.weight)}>
              {s.text}
            </span>
          ))}
          {/* A trailing line break keeps the layer as tall as the text area when the text ends in one. */}
          {"\n"}
        </div>
        <textarea
          id={id}
          className="input textarea nowheel pw-input"
          aria-invalid={invalid || undefined}
          rows={compact ? 3 : 5}
          spellCheck={false}
          value={text}
          placeholder={spec.placeholder ?? spec.description}
          onPointerUp={snapToWholeLines}
          onScroll={(e) => {
            if (backRef.current) backRef.current.scrollTop = e.currentTarget.scrollTop;
          }}
          onChange={(e) => onChange(textOrUnset(spec, e.target.value))}
        />
      </div>
      <PromptWeightChips analysis={analysis} compact={compact} />
    </div>
  );
}
