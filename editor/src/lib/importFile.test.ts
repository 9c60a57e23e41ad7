import { describe, expect, it } from 'vitest';
import { DOCX_TYPE, importType, titleFromFileName } from './importFile';

describe('importFile', () => {
  it('maps file names to the media types the server imports', () => {
    expect(importType('Notes.MD')).toBe('text/markdown');
    expect(importType('page.htm')).toBe('text/html');
    expect(importType('a.txt')).toBe('text/plain');
    expect(importType('Report.docx')).toBe(DOCX_TYPE);
    expect(importType('photo.png')).toBeNull();
    expect(importType('README')).toBeNull();
  });

  it('titles a document after its file', () => {
    expect(titleFromFileName('meeting_notes.md')).toBe('meeting notes');
    expect(titleFromFileName('Q3 plan.docx')).toBe('Q3 plan');
  });
});
