/** The widget's styles, inside its shadow root: nothing leaks into the host page and nothing of it leaks in. */
export const STYLES = `
:host{all:initial}
*{box-sizing:border-box}
.w{font:14px/1.45 system-ui,sans-serif;color:#1f2328}
.b{position:fixed;bottom:20px;right:20px;width:58px;height:58px;border-radius:50%;border:0;background:var(--c);color:var(--t);cursor:pointer;box-shadow:0 4px 16px #00000047;z-index:2147483000;padding:0;display:grid;place-items:center}
.b:hover{transform:scale(1.05)}
.v{position:fixed;bottom:90px;right:20px;max-width:min(280px,calc(100vw - 40px));text-align:left;background:#fff;color:#1f2328;border:0;border-radius:14px 14px 4px 14px;padding:10px 14px;font:inherit;box-shadow:0 4px 16px #0003;cursor:pointer;z-index:2147483000;overflow-wrap:anywhere}
.v b{display:block;font-size:12px}
.v span{display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
.l .v{right:auto;left:20px;border-radius:14px 14px 14px 4px}
.b:focus-visible,.v:focus-visible,.h button:focus-visible{outline:3px solid #fbbc04;outline-offset:2px}
.f{animation:f .4s ease-out}
@keyframes f{from{opacity:0;transform:scale(.6)}}
.n{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;border-radius:11px;background:#d93025;color:#fff;font:600 12px/22px system-ui,sans-serif;text-align:center;padding:0 6px}
.p{position:fixed;bottom:20px;right:20px;width:370px;height:min(620px,calc(100vh - 40px));display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 12px 48px #00000047;overflow:hidden;z-index:2147483000}
.l .b,.l .p{right:auto;left:20px}
[hidden]{display:none!important}
.h{background:var(--c);color:var(--t);display:flex;align-items:center;gap:6px;padding:4px 6px 4px 16px;flex:none}
.h span{flex:1;font-weight:600;font-size:16px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.h button{background:transparent;border:0;color:inherit;font-size:17px;width:44px;height:44px;border-radius:8px;cursor:pointer;padding:0}
.h button:hover{background:#7f7f7f40}
.i{padding:12px 14px 4px;flex:none}
.i div{background:#f1f3f4;border-radius:12px 12px 12px 4px;padding:10px 12px;min-height:3.2em}
.i div>span{display:grid}
.i span span{grid-area:1/1}
.i span span:first-child{visibility:hidden}
iframe{flex:1;border:0;width:100%;display:block;background:#fff}
@media (max-width:480px){.p{inset:0;width:auto;height:auto;border-radius:0}}
`;
