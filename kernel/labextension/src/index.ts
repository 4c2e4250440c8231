/**
 * Beleidstaal syntax highlighting for JupyterLab 4.
 *
 * Registers a CodeMirror 6 StreamLanguage `beleidstaal` (mime `text/x-beleidstaal`, extension
 * `.beleid`) with JupyterLab's editor language registry. The kernel's language_info names it
 * (`codemirror_mode: "beleidstaal"`), so notebook and console cells of the Beleidstaal kernel use it.
 *
 * The words are not listed here: `vocabulary.json` is generated from the grammar
 * (grammar/beleid.lark, through dsl/vocabulary.py and kernel/highlight.py) by
 * `npm run build:vocabulary`, the first step of `npm run build`; each keyword comes with its
 * highlight class, longest first, exactly as the Pygments lexer (kernel/lexer.py) uses them.
 * A cell that starts with `%`, `%%` or `!` is Python for the kernel (kernel/assist.py
 * is_python), and is coloured as Python here.
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
import vocabulary from './vocabulary.json';

const W = '[\\wÀ-ɏ]';
const END = `(?!${W})`;

/** One case-insensitive alternative of whole words, anchored at the stream position. */
function words(list: string[]): RegExp {
  return new RegExp(`^(?:${list.join('|')})${END}`, 'i');
}

const MONTHS = vocabulary.months.join('|');
const UNITS = vocabulary.units.join('|');
const NUM = '[0-9][0-9.]*(?:,[0-9]+)?';
const LITERALS: RegExp[] = [
  /^€\s*-?[0-9][0-9.]*(?:,[0-9]+|,-)?/, // € 250.000,00
  new RegExp(`^${NUM}\\s*%`), // 33,5%
  new RegExp(`^[0-9]{1,2}\\s+(?:${MONTHS})(?:\\s+[0-9]{4})?${END}`, 'i'), // 1 januari 2024
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}-[0-9]{1,2}-[0-9]{4})(?![0-9:])/, // 2024-01-01
  /^[0-9]{1,2}[:.][0-9]{2}(?![0-9])/, // 17:00
  new RegExp(`^${NUM}(?:\\s+(?:${UNITS})${END})?`, 'i') // 3 weken, 0,8
];

const COMMANDS = words(vocabulary.commands);
// Every keyword and phrase of the grammar, longest first, and the class each is shown as.
const KEYWORDS = words(vocabulary.words.map(([pattern]) => pattern));
const CLASSES: [RegExp, string][] = vocabulary.words.map(([pattern, cls]) => [
  new RegExp(`^(?:${pattern})$`, 'i'),
  cls
]);
const NAME = /^[A-Za-z_À-ɏ][\wÀ-ɏ]*/;

/** The highlight class of a keyword as written (any case and spacing). */
function classOf(text: string): string {
  const found = CLASSES.find(([pattern]) => pattern.test(text));
  return found ? found[1] : 'keyword';
}

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
    if (stream.sol() && stream.match(COMMANDS)) {
      return 'keyword';
    }
    const keyword = stream.match(KEYWORDS);
    if (keyword) {
      return classOf((keyword as RegExpMatchArray)[0]);
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
  // the vocabulary's digest: tests/test_vocabulary.py finds it in the built bundle
  description: `Syntax highlighting for Beleidstaal cells and .beleid files (vocabulary ${vocabulary.digest}).`,
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
