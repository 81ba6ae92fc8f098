import { useRef, useState, type MutableRefObject } from "react";

/**
 * State for a drag gesture: rendered like useState, and readable at once through the ref by
 * pointer handlers, since events can arrive faster than React re-renders.
 */
export function useLiveState<T>(initial: T): [T, MutableRefObject<T>, (value: T) => void] {
  const [state, setState] = useState(initial);
  const ref = useRef(initial);
  const set = (value: T) => {
    ref.current = value;
    setState(value);
  };
  return [state, ref, set];
}
