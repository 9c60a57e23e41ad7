import type { DiffBlock, DiffSegment, HistoryAuthor, HistoryDiff } from '@tandem/common/api';
import type { CSSProperties, ReactNode } from 'react';
import { type DiffNode, diffTree } from '../../lib/diffTree';
import { authorColor, authorName, momentLabel } from '../../lib/historyFormat';

/** Marks as the live editor renders them (the preview uses the same `.prose` styles). */
function withMarks(marks: readonly string[] | undefined, text: ReactNode): ReactNode {
  let out = text;
  for (const mark of marks ?? []) {
    if (mark === 'bold') out = <strong>{out}</strong>;
    else if (mark === 'italic') out = <em>{out}</em>;
    else if (mark === 'underline') out = <u>{out}</u>;
    else if (mark === 'strike') out = <s>{out}</s>;
    else if (mark === 'code') out = <code>{out}</code>;
    else if (mark === 'link') out = <span className="diff-link">{out}</span>;
  }
  return out;
}

function Segment({ segment, authors }: { segment: DiffSegment; authors: readonly HistoryAuthor[] }) {
  const content = withMarks(segment.marks, segment.text);
  if (segment.change === 'same') return <>{content}</>;
  const author = segment.author === undefined ? undefined : authors[segment.author];
  const name = authorName(author);
  const verb = segment.change === 'insert' ? 'added' : 'deleted';
  const props = {
    style: { '--author-color': authorColor(author) } as CSSProperties,
    title: `${name} ${verb} this${segment.at ? ` · ${momentLabel(segment.at)}` : ''}`,
    'data-author': name,
  };
  return segment.change === 'insert' ? (
    <ins className="diff-ins" {...props}>
      {content}
    </ins>
  ) : (
    <del className="diff-del" {...props}>
      {content}
    </del>
  );
}

function Segments({ segments, authors }: { segments: readonly DiffSegment[]; authors: readonly HistoryAuthor[] }) {
  // An empty paragraph still takes a line, as it does in the editor.
  if (segments.every((s) => s.text === '')) return <br />;
  return (
    <>
      {segments.map((segment, i) => (
        <Segment key={i} segment={segment} authors={authors} />
      ))}
    </>
  );
}

function Block({ block, authors }: { block: DiffBlock; authors: readonly HistoryAuthor[] }) {
  const changed = block.change !== 'same';
  // A whole block has no author of its own: its margin bar takes the colour of whoever changed its text.
  const by = block.segments.find((s) => s.change !== 'same' && s.author !== undefined)?.author;
  const props = changed
    ? {
        className: `diff-block diff-block--${block.change}`,
        'data-change': block.change,
        ...(by !== undefined ? { style: { '--author-color': authorColor(authors[by]) } as CSSProperties } : {}),
      }
    : {};
  const inner = <Segments segments={block.segments} authors={authors} />;
  if (block.type === 'heading') {
    const level = Math.min(6, Math.max(1, block.level ?? 1));
    const Tag = `h${level}` as 'h1';
    return <Tag {...props}>{inner}</Tag>;
  }
  if (block.type === 'codeBlock') {
    return (
      <pre {...props}>
        <code>{inner}</code>
      </pre>
    );
  }
  return <p {...props}>{inner}</p>;
}

function Nodes({ nodes, authors }: { nodes: readonly DiffNode[]; authors: readonly HistoryAuthor[] }) {
  return (
    <>
      {nodes.map((node, i) => {
        if (node.kind === 'block') return <Block key={i} block={node.block} authors={authors} />;
        const children = <Nodes nodes={node.children} authors={authors} />;
        switch (node.name) {
          case 'bulletList':
            return <ul key={i}>{children}</ul>;
          case 'orderedList':
            return <ol key={i}>{children}</ol>;
          case 'taskList':
            return (
              <ul key={i} data-type="taskList" className="diff-tasks">
                {children}
              </ul>
            );
          case 'listItem':
          case 'taskItem':
            return <li key={i}>{children}</li>;
          case 'blockquote':
            return <blockquote key={i}>{children}</blockquote>;
          default:
            return <div key={i}>{children}</div>;
        }
      })}
    </>
  );
}

/** A version's text, read-only, with what changed since the compared point tinted in its author's colour. */
export function DiffView({ diff }: { diff: HistoryDiff }) {
  return (
    <>
      <h1 className="doc-title history-preview__title" data-testid="preview-title">
        {diff.title.length > 0 && diff.title.some((s) => s.text) ? (
          <Segments segments={diff.title} authors={diff.authors} />
        ) : (
          <span className="muted">Untitled</span>
        )}
      </h1>
      <div className="prose history-preview__body" data-testid="preview-body">
        <Nodes nodes={diffTree(diff.blocks)} authors={diff.authors} />
      </div>
    </>
  );
}
