// The few icons the inbox draws, as inline SVG (no icon font, no emoji that a system may
// lack). They are decorative: the control around each has its own accessible name.
const paths = {
  bell: "M12 3a6 6 0 0 0-6 6v3.6L4.3 15.3A1 1 0 0 0 5.1 17h13.8a1 1 0 0 0 .8-1.7L18 12.6V9a6 6 0 0 0-6-6Zm-2.5 15a2.5 2.5 0 0 0 5 0h-5Z",
  clip: "M16.5 6.5 8.6 14.4a1.8 1.8 0 0 0 2.5 2.5l8-8a3.5 3.5 0 0 0-5-5l-8.3 8.3a5.2 5.2 0 0 0 7.4 7.4l6.3-6.3-1.4-1.4-6.3 6.3a3.2 3.2 0 0 1-4.6-4.6l8.3-8.3a1.5 1.5 0 0 1 2.2 2.2l-8 8-.1-.1 7.9-7.9-1.4-1.4Z",
  menu: "M3 6h18v2H3V6Zm0 5h18v2H3v-2Zm0 5h18v2H3v-2Z",
  close: "m6.4 5 5.6 5.6L17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4 6.4 5Z",
  back: "M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20v-2Z",
  eye: "M12 5c-5 0-9 4.5-10 7 1 2.5 5 7 10 7s9-4.5 10-7c-1-2.5-5-7-10-7Zm0 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8Zm0-2a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z",
  filter: "M3 5h18l-7 8.5V19l-4 2v-7.5L3 5Z",
} as const;

export function Icon({ name, class: className }: { name: keyof typeof paths; class?: string }) {
  return (
    <svg class={`icon-svg ${className ?? ""}`} viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill="currentColor" />
    </svg>
  );
}
