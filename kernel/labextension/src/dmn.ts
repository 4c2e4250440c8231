/**
 * A Beleidstaal decision table as the DMN modelers show it, in JupyterLab 4.
 *
 * A MIME renderer for `application/vnd.beleidstaal.dmn+xml`: the DMN 1.3 XML that the kernel's
 * `toon <beslissing>` sends (kernel/dmn_view.py, from the exporter dsl/dmn/exporter.py), shown
 * with dmn-js, the read-only decision-table viewer of bpmn-io (the viewer of the Camunda
 * modelers). The output's metadata names the decision to open (`decision`: its id), since the
 * XML may also hold the decisions it uses. dmn-js and its styles are bundled at build time: the
 * notebook needs no internet. If the viewer cannot show the XML, the output says so in Dutch; the
 * same display carries a static `text/html` table, which JupyterLab does not show when this
 * renderer is installed, and which classic notebooks, nbconvert and nbclient do show.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import DmnViewer from 'dmn-js/lib/Viewer';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn-embedded.css';
import '../style/dmn.css';

export const MIME_TYPE = 'application/vnd.beleidstaal.dmn+xml';

interface Metadata {
  decision?: string;
  name?: string;
}

interface View {
  type: string;
  element: { id: string };
}

/** One decision table, rendered by dmn-js into this widget's node. */
export class DmnTableWidget extends Widget implements IRenderMime.IRenderer {
  private viewer: any = null;
  private measured = -1;
  private observer = new ResizeObserver(() => this.fitTable());

  constructor() {
    super();
    this.addClass('bt-dmn-viewer');
    this.observer.observe(this.node);
  }

  /**
   * Words stay whole while the table fits the output; when it would scroll sideways (an output
   * narrower than its longest words), `bt-dmn-narrow` lets long words break (style/dmn.css).
   * Measured again whenever the output's width changes.
   */
  private fitTable(): void {
    const width = this.node.clientWidth;
    const box = this.node.querySelector('.tjs-table-container') as HTMLElement | null;
    if (!box || width === this.measured) {
      return;
    }
    this.measured = width;
    this.node.classList.remove('bt-dmn-narrow');
    if (box.scrollWidth > box.clientWidth + 1) {
      this.node.classList.add('bt-dmn-narrow');
    }
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const xml = model.data[MIME_TYPE] as string;
    const metadata = (model.metadata[MIME_TYPE] ?? {}) as Metadata;
    if (this.viewer) {
      this.viewer.destroy();
    }
    this.node.textContent = '';
    this.viewer = new DmnViewer({ container: this.node, width: '100%', height: 'auto' });
    try {
      await this.viewer.importXML(xml, { open: false });
      const views = this.viewer.getViews() as View[];
      const view =
        views.find(
          v => v.type === 'decisionTable' && v.element.id === metadata.decision
        ) ?? views.find(v => v.type === 'decisionTable');
      if (!view) {
        throw new Error('geen beslistabel in het DMN-model');
      }
      await this.viewer.open(view);
      this.node.dataset.decision = view.element.id;
      this.measured = -1;
      this.fitTable();
    } catch (err) {
      this.node.textContent =
        `De beslistabel ${metadata.name ?? ''} kan niet getoond worden: ` +
        (err instanceof Error ? err.message : String(err));
      this.node.classList.add('bt-dmn-error');
    }
  }

  dispose(): void {
    this.observer.disconnect();
    if (this.viewer) {
      this.viewer.destroy();
      this.viewer = null;
    }
    super.dispose();
  }
}

export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [MIME_TYPE],
  defaultRank: 10, // before text/html (50), which carries the static fallback table
  createRenderer: () => new DmnTableWidget()
};

const extension: IRenderMime.IExtension = {
  id: 'beleidstaal-highlight:dmn',
  description: 'Beslistabellen van Beleidstaal als DMN, getoond met dmn-js (bpmn-io).',
  rendererFactory,
  rank: 10,
  dataType: 'string'
};

export default extension;
