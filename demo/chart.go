package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
)

// ruptures are the shelf's out-of-stock rates, September to February, in
// tenths of a percent: what the evidence image shows.
var ruptures = []int{91, 78, 62, 50, 39, 31}

// chartPNG draws the evidence image: a bar chart of ruptures falling
// month by month under a dashed target line at 4 %, with a check badge.
// It has no words (no font is needed): the evidence's title says what it
// shows, and pages use it as the image's text alternative.
func chartPNG() ([]byte, error) {
	const w, h, left, bottom, top = 480, 300, 48, 260, 40
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Bounds(), color.RGBA{0xfb, 0xfa, 0xf7, 0xff})
	grid := color.RGBA{0xdd, 0xdd, 0xdd, 0xff}
	scale := func(tenths int) int { return bottom - tenths*(bottom-top)/100 } // 0 to 10 %
	for p := 0; p <= 100; p += 20 {
		fill(img, image.Rect(left, scale(p), w-24, scale(p)+1), grid)
	}
	ink := color.RGBA{0x33, 0x33, 0x33, 0xff}
	fill(img, image.Rect(left-2, top-8, left, bottom+2), ink)  // y axis
	fill(img, image.Rect(left-2, bottom, w-24, bottom+2), ink) // x axis
	bar, last := color.RGBA{0x1f, 0x6f, 0x8b, 0xff}, color.RGBA{0x2e, 0x8b, 0x57, 0xff}
	step := (w - 24 - left) / len(ruptures)
	for i, v := range ruptures {
		c := bar
		if i == len(ruptures)-1 {
			c = last
		}
		x := left + i*step + step/5
		fill(img, image.Rect(x, scale(v), x+step*3/5, bottom), c)
	}
	target := color.RGBA{0xc0, 0x39, 0x2b, 0xff}
	for x := left; x < w-24; x += 12 {
		fill(img, image.Rect(x, scale(40)-1, x+7, scale(40)+1), target)
	}
	badge(img, image.Pt(w-48, 36), 20)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func fill(img draw.Image, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// badge draws a green disc of radius r at c with a white check mark.
func badge(img *image.RGBA, c image.Point, r int) {
	green, white := color.RGBA{0x2e, 0x8b, 0x57, 0xff}, color.RGBA{0xff, 0xff, 0xff, 0xff}
	for y := -r; y <= r; y++ {
		for x := -r; x <= r; x++ {
			if x*x+y*y <= r*r {
				img.Set(c.X+x, c.Y+y, green)
			}
		}
	}
	// The check: a short stroke down to the right, then a long one up.
	for i := 0; i <= r/2; i++ {
		fill(img, image.Rect(c.X-r/2+i, c.Y+i-2, c.X-r/2+i+3, c.Y+i+1), white)
	}
	for i := 0; i <= r*3/4; i++ {
		fill(img, image.Rect(c.X+i, c.Y+r/2-i-2, c.X+i+3, c.Y+r/2-i+1), white)
	}
}
