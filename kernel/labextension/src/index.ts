/**
 * Beleidstaal syntax highlighting for JupyterLab 4.
 *
 * Registers a CodeMirror 6 StreamLanguage `beleidstaal` (mime `text/x-beleidstaal`, extension
 * `.beleid`) with JupyterLab's editor language registry. The kernel's language_info names it
 * (`codemirror_mode: "beleidstaal"`), so notebook and console cells of the Beleidstaal kernel use it.
 *
 * The word lists follow grammar/beleid.lark and kernel/lexer.py (the Pygments lexer used by
 * nbconvert); keep the three in step. A cell that starts with `%`, `%%` or `!` is Python for the
 * kernel (kernel/assist.py is_python), and is coloured as Python here.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import {
  HighlightStyle,
  LanguageSupport,
  StreamLanguage,
  StreamParser,
  StringStream,
  syntaxHighlighting
} from '@codemirror/language';
import { classHighlighter, tags } from '@lezer/highlight';
import { python } from '@codemirror/legacy-modes/mode/python';

const W = '[\\wÀ-ɏ]';
const END = `(?!${W})`;

/** One case-insensitive alternative of whole words, anchored at the stream position. */
function words(list: string[]): RegExp {
  return new RegExp(`^(?:${list.join('|')})${END}`, 'i');
}

const MONTHS =
  'januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december';
const UNITS =
  'kalendermaanden|kalendermaand|werkdagen|werkdag|dagen|dag|weken|week|maanden|maand|jaren|jaar|uren|uur|minuten|minuut|seconden|seconde';
const WEEKDAYS = 'maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag';
const NUMBER_WORDS =
  'nul|een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|zestien|zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|honderd';

const NUM = '[0-9][0-9.]*(?:,[0-9]+)?';
const LITERALS: RegExp[] = [
  /^€\s*-?[0-9][0-9.]*(?:,[0-9]+|,-)?/, // € 250.000,00
  new RegExp(`^${NUM}\\s*%`), // 33,5%
  new RegExp(`^[0-9]{1,2}\\s+(?:${MONTHS})(?:\\s+[0-9]{4})?${END}`, 'i'), // 1 januari 2024
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}-[0-9]{1,2}-[0-9]{4})(?![0-9:])/, // 2024-01-01
  /^[0-9]{1,2}[:.][0-9]{2}(?![0-9])/, // 17:00
  new RegExp(`^${NUM}(?:\\s+(?:${UNITS})${END})?`, 'i') // 3 weken, 0,8
];

// Multi-word phrases first (longest first within a class), as the grammar's priority-3 terminals.
const STATUS = words([
  'niet\\s+voldaan',
  'niet\\s+van\\s+toepassing',
  'nog\\s+niet\\s+verstreken',
  'niet\\s+gehaald',
  'geen\\s+uitkomst',
  'meerdere\\s+regels',
  'voldaan',
  'gehaald',
  'ja',
  'nee',
  'onbekend'
]);
const COMPARISONS = words([
  '(?:groter|kleiner)\\s+dan\\s+of\\s+gelijk\\s+aan',
  'niet\\s+gelijk\\s+aan',
  '(?:groter|kleiner|meer|minder|langer|korter|later|eerder)\\s+dan',
  'ten\\s*hoogste',
  'gelijk\\s+aan',
  'voldoet\\s+niet\\s+aan',
  'voldoet\\s+aan',
  'tot\\s+en\\s+met',
  'niet\\s+(?:eerder\\s+dan|voor)'
]);
const TYPE_PHRASES = words(['keuze\\s+uit', 'lijst\\s+van']);
const PHRASES = words([
  '(?:minstens|ten\\s*minste)\\s+(?:een|één)\\s+van',
  'ten\\s*minste',
  'met\\s+uitzondering\\s+van',
  'van\\s+toepassing\\s+als',
  'alleen\\s+als',
  '(?:een|één|geen|elk|elke|ieder|iedere|alle|allen)\\s+van',
  '(?:som|aantal|minimum|maximum|gemiddelde)\\s+van',
  'eerste\\s+treffer',
  'valt\\s+op'
]);
const COMMANDS = words(['laad', 'casus', 'evalueer', 'voorbeelden', 'toon']);
const SECTIONS = words([
  'beleid',
  'gegevens',
  'gegeven',
  'eisen',
  'eis',
  'berekening',
  'beslissing',
  'termijn',
  'voorbeeld',
  'verwacht'
]);
const TYPES = words([
  'bedrag',
  'percentage',
  'aantal',
  'getal',
  'ja/nee',
  'datum',
  'tijdstip',
  'duur',
  'tekst'
]);
const KEYWORDS = words([
  'verzekeraar',
  'zorgsoort',
  'geldig',
  'bron',
  'toelichting',
  'vereist',
  'tenzij',
  'als',
  'dan',
  'anders',
  'dat',
  'die',
  'is',
  'zijn',
  'en',
  'of',
  'niet',
  'ligt',
  'liggen',
  'tussen',
  'van',
  'tot',
  'in',
  'uiterlijk',
  'voor',
  'vóór',
  'na',
  'op',
  'binnen',
  'peildatum',
  'uniek',
  'vanaf'
]);
const UNIT_OR_MONTH = words([UNITS, MONTHS, WEEKDAYS]);
const NUMBER_WORD = words([NUMBER_WORDS]);
const NAME = /^[A-Za-z_À-ɏ][\wÀ-ɏ]*/;

interface State {
  /** null until the first non-blank line, then 'beleid' or 'python' (a magic or shell cell). */
  mode: null | 'beleid' | 'python';
  inner: any;
}

const pythonParser = python as StreamParser<any>;

/** What StreamLanguage does for a parser without copyState: copy, with arrays sliced. */
function copyInner(inner: any): any {
  if (pythonParser.copyState) {
    return pythonParser.copyState(inner);
  }
  const copy: any = {};
  for (const key in inner) {
    const value = inner[key];
    copy[key] = Array.isArray(value) ? value.slice() : value;
  }
  return copy;
}

export const beleidParser: StreamParser<State> = {
  name: 'beleidstaal',
  startState: () => ({ mode: null, inner: null }),
  copyState: (s: State) => ({
    mode: s.mode,
    inner: s.inner ? copyInner(s.inner) : null
  }),
  token(stream: StringStream, state: State): string | null {
    if (state.mode === null) {
      if (stream.eatSpace()) {
        return null;
      }
      if (stream.match(/^(?:%|!)/, false)) {
        state.mode = 'python';
        state.inner = pythonParser.startState!(stream.indentUnit);
        stream.skipToEnd();
        return 'meta';
      }
      state.mode = 'beleid';
    }
    if (state.mode === 'python') {
      return pythonParser.token(stream, state.inner);
    }
    if (stream.eatSpace()) {
      return null;
    }
    if (stream.match(/^#.*/)) {
      return 'comment';
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) {
      return 'string';
    }
    for (const literal of LITERALS) {
      if (stream.match(literal)) {
        return 'number';
      }
    }
    if (stream.match(PHRASES)) {
      return 'keyword';
    }
    if (stream.match(TYPES) || stream.match(TYPE_PHRASES)) {
      return 'typeName';
    }
    if (stream.match(STATUS)) {
      return 'atom';
    }
    if (stream.match(COMPARISONS)) {
      return 'operatorKeyword';
    }
    if (stream.sol() && stream.match(COMMANDS)) {
      return 'keyword';
    }
    if (stream.match(SECTIONS)) {
      return 'definitionKeyword';
    }
    if (stream.match(KEYWORDS)) {
      return 'keyword';
    }
    if (stream.match(UNIT_OR_MONTH)) {
      return 'literal';
    }
    if (stream.match(NUMBER_WORD)) {
      return 'number';
    }
    if (stream.match(NAME)) {
      return 'variableName';
    }
    if (stream.match(/^[+\-*/=]/)) {
      return 'operator';
    }
    if (stream.match(/^[():;,[\]{}]/)) {
      return 'punctuation';
    }
    stream.next();
    return null;
  },
  languageData: {
    commentTokens: { line: '#' }
  }
};

/** Colours for the tags JupyterLab's own highlight style leaves plain, in its theme variables. */
const beleidHighlightStyle = HighlightStyle.define([
  { tag: tags.typeName, color: 'var(--jp-mirror-editor-builtin-color)' },
  { tag: tags.literal, color: 'var(--jp-mirror-editor-number-color)' }
]);

export function beleidstaal(): LanguageSupport {
  return new LanguageSupport(StreamLanguage.define(beleidParser), [
    syntaxHighlighting(beleidHighlightStyle),
    // stable `tok-*` class names (tok-keyword, tok-typeName, ...) next to the theme's classes
    syntaxHighlighting(classHighlighter)
  ]);
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'beleidstaal-highlight:plugin',
  description: 'Syntax highlighting for Beleidstaal cells and .beleid files.',
  autoStart: true,
  requires: [IEditorLanguageRegistry],
  activate: (app: JupyterFrontEnd, registry: IEditorLanguageRegistry) => {
    registry.addLanguage({
      name: 'beleidstaal',
      displayName: 'Beleidstaal',
      alias: ['beleid'],
      mime: 'text/x-beleidstaal',
      extensions: ['beleid'],
      load: async () => beleidstaal()
    });
  }
};

export default plugin;
