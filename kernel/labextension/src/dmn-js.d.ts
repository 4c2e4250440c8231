// dmn-js ships no type declarations; the renderer (dmn.ts) uses its Viewer untyped.
declare module 'dmn-js/lib/Viewer';
