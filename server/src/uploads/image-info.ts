/** What a structural check learns about an image: its size in pixels. */
export interface ImageInfo {
  width: number;
  height: number;
}
