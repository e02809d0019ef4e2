// A QR code as SVG squares drawn by Preact from the matrix that uqr computes: no image service,
// no HTML from strings, and it stays sharp at any size.

import { html } from '/shared/vendor/preact-htm.js';
import { encode } from '/shared/vendor/uqr.js';

/** `label` names the code for screen readers; the same text must be visible beside it. */
export function QrCode({ text, label, size = 192 }) {
  const { data } = encode(text, { ecc: 'M', border: 2 });
  const cells = data.length;
  const dark = [];
  data.forEach((row, y) =>
    row.forEach((on, x) => {
      if (on) dark.push(`M${x} ${y}h1v1h-1z`);
    }),
  );
  return html`<svg
    class="qr-code"
    role="img"
    aria-label=${label}
    width=${size}
    height=${size}
    viewBox=${`0 0 ${cells} ${cells}`}
    shape-rendering="crispEdges"
  >
    <rect width=${cells} height=${cells} fill="#fff" />
    <path d=${dark.join('')} fill="#000" />
  </svg>`;
}
