/**
 * .safetensors LoRA files: the header, what it says about the LoRA, and where one may be fetched
 * from. Pure; see docs/import-export.md ("safetensors").
 */
export {
  DEFAULT_MAX_HEADER_BYTES,
  parseSafetensorsHeader,
  readHeaderLength,
  type HeaderOptions,
  type HeaderProblem,
  type HeaderResult,
  type SafetensorsHeader,
  type TensorInfo,
} from "./header";
export {
  checkThumbnail,
  describeLora,
  familyOfTensors,
  topTags,
  MAX_TRIGGER_WORDS,
  type FamilySource,
  type LoraInfo,
  type LoraThumbnail,
} from "./lora";
export { checkLoraUrl, checkRedirect, type LoraSite, type UrlCheck } from "./hosts";
export { huggingFaceTarget, pickLoraFile, repoFileUrl, type HfTarget } from "./huggingface";
export { familyOfModelName, FAMILY_LABELS, type Family } from "../models";
export { DEFAULT_FIRST_READ } from "./remote";
export {
  headerReport,
  readHeader,
  readRemoteHeader,
  resolveLoraUrl,
  readBody,
  totalOf,
  RemoteHeaderError,
  type HeaderDiagnostic,
  type HeaderSource,
  type RangeFetch,
  type RangeResponse,
  type RemoteFailure,
} from "./remote";
