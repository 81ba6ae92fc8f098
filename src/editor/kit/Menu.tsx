import { useLayoutEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from "react";

export interface MenuItem {
  id: string;
  label: string;
  /** The keyboard shortcut that does the same, as the help overlay spells it. */
  keys?: string;
  disabled?: boolean;
  /** Draws a line above the item. */
  separator?: boolean;
  run(): void;
}

/**
 * A context menu that follows the WAI-ARIA menu pattern: focus goes to the first item, arrows
 * (and Home/End) move it, a letter jumps to the next item starting with it, Enter or Space runs
 * the item, Escape, Tab or a click elsewhere closes it and hands focus back.
 *
 * Written here rather than taken from a library: the menus are flat lists at a point, which is
 * this much code, and the packages that do it (Radix, Headless UI, react-aria) each bring a
 * positioning engine and their own focus management that would fight focus-trap's in dialogs,
 * for more first-load JavaScript than the whole menu.
 */
export function Menu({
  label,
  at,
  items,
  onClose,
}: {
  label: string;
  at: { x: number; y: number };
  items: readonly MenuItem[];
  onClose(): void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState(at);
  const returnTo = useRef<Element | null>(null);
  const enabled = items.filter((i) => !i.disabled);

  useLayoutEffect(() => {
    returnTo.current = document.activeElement;
    const el = ref.current!;
    // Kept on screen: opened near the right or bottom edge, it opens to the left or upwards.
    const r = el.getBoundingClientRect();
    setPos({
      x: Math.max(4, at.x + r.width > innerWidth - 4 ? at.x - r.width : at.x),
      y: Math.max(4, at.y + r.height > innerHeight - 4 ? innerHeight - 4 - r.height : at.y),
    });
    el.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus({ preventScroll: true });
  }, [at]);

  const close = (restore = true) => {
    onClose();
    const back = returnTo.current as HTMLElement | null;
    if (restore && back?.isConnected && back !== document.body) back.focus?.({ preventScroll: true });
  };

  const move = (from: Element | null, step: number | "first" | "last") => {
    const list = [...ref.current!.querySelectorAll<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')];
    if (!list.length) return;
    const i = list.indexOf(from as HTMLElement);
    const next = step === "first" ? 0 : step === "last" ? list.length - 1 : (i + step + list.length) % list.length;
    list[next].focus();
  };

  const onKeyDown = (e: ReactKeyboardEvent) => {
    // The canvas's own keys (Delete, Ctrl+Z, Space) must not act behind an open menu.
    e.stopPropagation();
    const focused = document.activeElement;
    if (e.key === "ArrowDown") move(focused, 1);
    else if (e.key === "ArrowUp") move(focused, -1);
    else if (e.key === "Home") move(focused, "first");
    else if (e.key === "End") move(focused, "last");
    else if (e.key === "Escape") close();
    else if (e.key === "Tab") close();
    else if (e.key === "Enter" || e.key === " ") (focused as HTMLElement | null)?.click();
    else if (e.key.length === 1 && /\S/.test(e.key)) {
      const list = enabled.map((i) => ref.current!.querySelector<HTMLElement>(`[data-item="${CSS.escape(i.id)}"]`)!);
      const start = list.indexOf(focused as HTMLElement);
      const hit = [...list.slice(start + 1), ...list.slice(0, start + 1)].find((el) =>
        el.dataset.label!.toLowerCase().startsWith(e.key.toLowerCase()),
      );
      hit?.focus();
    } else return;
    e.preventDefault();
  };

  return (
    <div
      className="ctx-menu-backdrop"
      onPointerDown={(e) => e.target === e.currentTarget && close(false)}
      onContextMenu={(e) => {
        // A right-click elsewhere closes this menu; the canvas below opens its own on the next one.
        e.preventDefault();
        if (e.target === e.currentTarget) close(false);
      }}
    >
      <div
        ref={ref}
        className="ctx-menu"
        role="menu"
        aria-label={label}
        style={{ left: pos.x, top: pos.y }}
        onKeyDown={onKeyDown}
      >
        {items.map((item) => (
          <div key={item.id} className="ctx-menu-row">
            {item.separator && <div className="ctx-menu-sep" role="separator" />}
            <div
              role="menuitem"
              tabIndex={-1}
              className="ctx-menu-item"
              data-item={item.id}
              data-label={item.label}
              aria-disabled={item.disabled || undefined}
              aria-keyshortcuts={item.keys && ariaKeys(item.keys)}
              onMouseEnter={(e) => !item.disabled && e.currentTarget.focus({ preventScroll: true })}
              onClick={() => {
                if (item.disabled) return;
                close(false);
                item.run();
              }}
            >
              <span className="ctx-menu-label">{item.label}</span>
              {item.keys && <kbd className="ctx-menu-keys">{item.keys}</kbd>}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

/** "Ctrl+Shift+L / Delete" as aria-keyshortcuts wants it: "Control+Shift+L Delete". */
function ariaKeys(keys: string): string {
  return keys
    .split(" / ")
    .map((k) => k.replace(/\bCtrl\b/g, "Control").replace(/\s+/g, ""))
    .join(" ");
}
