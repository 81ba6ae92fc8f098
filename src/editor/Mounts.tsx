/**
 * The feature mounts that draw nothing until asked (the teaching windows, the run history's
 * start-up and dialogs, batches): one chunk, mounted by App after the shell's first paint, so
 * their code and effects come behind it (docs/codebase.md#the-first-load).
 */
import { TeachMount } from "./teach/TeachMount";
import { RunMount } from "./run/RunMount";
import { BatchMount } from "./batch/BatchMount";

export default function Mounts() {
  return (
    <>
      <TeachMount />
      <RunMount />
      <BatchMount />
    </>
  );
}
