/**
 * The command types (`toggleHighlight`, `setColor`, `setTextAlign` …) of the writer's extensions. The
 * extensions themselves are in the shared schema (`@tandem/common/schema`); their packages declare the
 * commands on Tiptap's `Commands` interface, which needs an import to be seen here.
 */
import type {} from '@tiptap/extension-highlight';
import type {} from '@tiptap/extension-subscript';
import type {} from '@tiptap/extension-superscript';
import type {} from '@tiptap/extension-text-align';
import type {} from '@tiptap/extension-text-style';
