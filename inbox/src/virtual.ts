// TanStack Virtual's framework-free core, bound to Preact's hooks (as its React adapter binds
// it to React's): only the rows in view, and a few around them, are in the DOM.
import { useLayoutEffect, useReducer, useState } from "preact/hooks";
import {
  Virtualizer,
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type VirtualizerOptions,
} from "@tanstack/virtual-core";

type Options = Pick<VirtualizerOptions<HTMLElement, Element>, "count" | "getScrollElement" | "estimateSize"> & {
  overscan?: number;
  getItemKey?: (index: number) => string | number;
};

export function useVirtualizer(options: Options): Virtualizer<HTMLElement, Element> {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const resolved: VirtualizerOptions<HTMLElement, Element> = {
    observeElementRect,
    observeElementOffset,
    scrollToFn: elementScroll,
    overscan: 6,
    ...options,
    onChange: () => rerender(0),
  };
  const [instance] = useState(() => new Virtualizer(resolved));
  instance.setOptions(resolved);
  useLayoutEffect(() => instance._didMount(), []);
  useLayoutEffect(() => instance._willUpdate());
  return instance;
}
